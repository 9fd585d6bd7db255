package dev.sagaline.participant.internals;

import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.schemas.serde.ReplyAddress;
import dev.sagaline.participant.DispatchResult;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.ParticipantTopology;
import dev.sagaline.participant.ProcessedCommandStore;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
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
 * reply to the reply sink (or the command to the dead-letter sink), notes finish notices, and
 * purges a bounded batch of expired entries on each wall-clock punctuation. With exactly-once,
 * the store writes, the reply or dead letter, and the command's offset commit together, so an
 * answered command is never handled again.
 */
final class CommandProcessor implements Processor<String, ReadCommand, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(CommandProcessor.class);

    private final ParticipantHandlers handlers;
    private final Payloads payloads;
    private final Duration retention;
    private final Duration purgeInterval;
    private final int purgeBatch;
    private final ReplySizeLimit sizeLimit;
    private ProcessorContext<String, Object> context;
    private CommandVerdicts dispatch;
    private Sensor unfinishedExpired;
    private final Map<DeadLetterReason, Sensor> deadLetters = new EnumMap<>(DeadLetterReason.class);

    CommandProcessor(ParticipantHandlers handlers, Payloads payloads, Duration retention, Duration purgeInterval, int purgeBatch,
            ReplySizeLimit sizeLimit) {
        this.handlers = handlers;
        this.payloads = payloads;
        this.retention = retention;
        this.purgeInterval = purgeInterval;
        this.purgeBatch = purgeBatch;
        this.sizeLimit = sizeLimit;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        KeyValueStore<String, StepReply> entries = context.getStateStore(ParticipantTopology.PROCESSED_STORE);
        KeyValueStore<String, String> index = context.getStateStore(ParticipantTopology.PROCESSED_BY_TIME_STORE);
        IndexedProcessedCommandStore store = IndexedProcessedCommandStore.over(entries, index);
        this.dispatch = new CommandVerdicts(handlers, payloads, store, sizeLimit);
        // The punctuation's own timestamp is the wall clock the test driver advances; a late or
        // skipped punctuation only delays the purge, since everything at or before the cutoff goes.
        this.unfinishedExpired = unfinishedExpiredSensor(context);
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
            ProcessedCommandStore.Purge purge = store.purgeOlderThan(now - retention.toMillis(), purgeBatch);
            if (purge.removed() > 0) {
                log.debug("Task {} purged {} entries finished more than {} ago{}", context.taskId(), purge.removed(), retention,
                        purge.more() ? "; more are left for the next purge" : "");
            }
            if (purge.unfinished() > 0) {
                unfinishedExpired.record(purge.unfinished());
                log.warn("Task {} removed {} entries older than {} of sagas it has no finish notice for (written before"
                        + " finish notices existed); a compensation or confirmation arriving for them now would find no"
                        + " record of the step", context.taskId(), purge.unfinished(), retention);
            }
        });
    }

    /**
     * Counts entries that expired by time although no finish notice came for their saga, so the
     * risk of a skipped compensation is visible on a dashboard and not only in the log.
     */
    private static Sensor unfinishedExpiredSensor(ProcessorContext<String, Object> context) {
        String taskId = context.taskId().toString();
        Sensor sensor = context.metrics().addSensor(ParticipantTopology.UNFINISHED_EXPIRED_METRIC + "-" + taskId, Sensor.RecordingLevel.INFO);
        if (!sensor.hasMetrics()) {
            sensor.add(new MetricName(ParticipantTopology.UNFINISHED_EXPIRED_METRIC, ParticipantTopology.METRICS_GROUP,
                    "Entries of sagas without a finish notice that the purge removed by time", Map.of("task-id", taskId)),
                    new CumulativeSum());
        }
        return sensor;
    }

    /** Counts the commands this task sent to the dead-letter topic, by reason, so a dead letter shows on a dashboard. */
    private Sensor deadLetterSensor(DeadLetterReason reason) {
        return deadLetters.computeIfAbsent(reason, r -> {
            String taskId = context.taskId().toString();
            Sensor sensor = context.metrics().addSensor(ParticipantTopology.DEAD_LETTERS_METRIC + "-" + r.tag() + "-" + taskId,
                    Sensor.RecordingLevel.INFO);
            if (!sensor.hasMetrics()) {
                sensor.add(new MetricName(ParticipantTopology.DEAD_LETTERS_METRIC, ParticipantTopology.METRICS_GROUP,
                        "Commands sent to the dead-letter topic", Map.of("task-id", taskId, "reason", r.tag())), new CumulativeSum());
            }
            return sensor;
        });
    }

    @Override
    public void close() {
        if (context != null) {
            context.metrics().removeSensor(unfinishedExpired);
            deadLetters.values().forEach(sensor -> context.metrics().removeSensor(sensor));
        }
    }

    @Override
    public void process(Record<String, ReadCommand> record) {
        StepCommand command = record.value() == null ? null : record.value().command();
        if (command == null) {
            deadLetter(record, DeadLetterReason.EMPTY_COMMAND, "the record with key '" + record.key() + "' has no value");
            return;
        }
        if (!command.getSagaId().equals(record.key())) {
            deadLetter(record, DeadLetterReason.KEY_MISMATCH, "command " + command.getCommandId() + " for saga '" + command.getSagaId()
                    + "' has key '" + record.key() + "'; commands are keyed by saga id, so that a step's record is on its saga's partition");
            return;
        }
        DispatchResult result = dispatch.dispatch(command, context.currentSystemTimeMs());
        if (result instanceof DispatchResult.Replied replied) {
            StepReply reply = replied.reply();
            // The orchestrator names the partition its saga lives on; a command without the
            // headers (an older orchestrator) leaves it to the key's hash, as before.
            Integer partition = ReplyAddress.readFrom(record.headers())
                    .filter(address -> address.topic().equals(command.getReplyTopic()))
                    .map(ReplyAddress::partition).orElse(null);
            context.forward(record.withKey(reply.getSagaId()).withValue(new AddressedReply(command.getReplyTopic(), partition, reply)),
                    ParticipantTopology.REPLY_SINK);
            if (replied.deadLetter() != null) {
                deadLetter(record, replied.deadLetter().reason(), replied.deadLetter().detail());
            }
        } else if (result instanceof DispatchResult.DeadLettered deadLettered) {
            deadLetter(record, deadLettered.reason(), deadLettered.detail());
        }
    }

    private void deadLetter(Record<String, ReadCommand> record, DeadLetterReason reason, String detail) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        log.warn("Sending the command at {}-{}@{} to the dead-letter topic: {} ({})",
                source.topic(), source.partition(), source.offset(), reason, detail);
        // A copy, so the added headers stay on the dead letter only.
        Headers headers = new RecordHeaders(record.headers().toArray());
        DeadLetterHeaders.write(headers, reason, detail, null, source.topic(), source.partition(), source.offset());
        context.forward(record.withValue(record.value() == null ? null : record.value().bytes()).withHeaders(headers),
                ParticipantTopology.DEAD_LETTER_SINK);
        deadLetterSensor(reason).record();
    }
}
