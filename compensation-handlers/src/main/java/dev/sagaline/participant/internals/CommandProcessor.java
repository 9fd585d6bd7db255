package dev.sagaline.participant.internals;

import dev.sagaline.schemas.serde.ReplyAddress;
import dev.sagaline.participant.DeadLetterReason;
import dev.sagaline.participant.DispatchResult;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.ParticipantTopology;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import java.time.Duration;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant's one processor: dispatches each command over the task's stores, forwards the
 * reply to the reply sink (or the command to the dead-letter sink), and purges expired entries on
 * a wall-clock punctuation. With exactly-once, the store writes, the reply or dead letter, and the
 * command's offset commit together, so an answered command is never handled again.
 */
final class CommandProcessor implements Processor<String, StepCommand, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(CommandProcessor.class);

    private final ParticipantHandlers handlers;
    private final Payloads payloads;
    private final Duration retention;
    private final Duration purgeInterval;
    private ProcessorContext<String, Object> context;
    private CommandDispatch dispatch;

    CommandProcessor(ParticipantHandlers handlers, Payloads payloads, Duration retention, Duration purgeInterval) {
        this.handlers = handlers;
        this.payloads = payloads;
        this.retention = retention;
        this.purgeInterval = purgeInterval;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        KeyValueStore<String, StepReply> entries = context.getStateStore(ParticipantTopology.PROCESSED_STORE);
        KeyValueStore<String, String> index = context.getStateStore(ParticipantTopology.PROCESSED_BY_TIME_STORE);
        IndexedProcessedCommandStore store = IndexedProcessedCommandStore.over(entries, index);
        this.dispatch = new CommandDispatch(handlers, payloads, store);
        // The punctuation's own timestamp is the wall clock the test driver advances; a late or
        // skipped punctuation only delays the purge, since everything at or before the cutoff goes.
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
            int removed = store.purgeOlderThan(now - retention.toMillis());
            if (removed > 0) {
                log.debug("Task {} purged {} entries older than {}", context.taskId(), removed, retention);
            }
        });
    }

    @Override
    public void process(Record<String, StepCommand> record) {
        StepCommand command = record.value();
        if (command == null) {
            deadLetter(record, DeadLetterReason.EMPTY_COMMAND, "the record with key '" + record.key() + "' has no value");
            return;
        }
        DispatchResult result = dispatch.dispatch(command, context.currentSystemTimeMs());
        if (result instanceof DispatchResult.Replied) {
            StepReply reply = ((DispatchResult.Replied) result).reply();
            // The orchestrator names the partition its saga lives on; a command without the
            // headers (an older orchestrator) leaves it to the key's hash, as before.
            Integer partition = ReplyAddress.readFrom(record.headers())
                    .filter(address -> address.topic().equals(command.getReplyTopic()))
                    .map(ReplyAddress::partition).orElse(null);
            context.forward(record.withKey(reply.getSagaId()).withValue(new AddressedReply(command.getReplyTopic(), partition, reply)),
                    ParticipantTopology.REPLY_SINK);
        } else {
            DispatchResult.DeadLettered deadLettered = (DispatchResult.DeadLettered) result;
            deadLetter(record, deadLettered.reason(), deadLettered.detail());
        }
    }

    private void deadLetter(Record<String, StepCommand> record, DeadLetterReason reason, String detail) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        log.warn("Sending the command at {}-{}@{} to the dead-letter topic: {} ({})",
                source.topic(), source.partition(), source.offset(), reason, detail);
        // A copy, so the added headers stay on the dead letter only.
        Headers headers = new RecordHeaders(record.headers().toArray());
        DeadLetters.addHeaders(headers, reason, detail, source.topic(), source.partition(), source.offset());
        context.forward(record.withHeaders(headers), ParticipantTopology.DEAD_LETTER_SINK);
    }
}
