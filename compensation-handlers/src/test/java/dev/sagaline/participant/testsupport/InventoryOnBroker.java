package dev.sagaline.participant.testsupport;

import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.participant.Participant;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;

/**
 * An inventory participant on the real broker, as the broker tests run it: its command, reply and
 * dead-letter topics named after one prefix, a participant builder reading from the earliest offset
 * into a state directory of the test's, and the committed replies read back.
 */
public final class InventoryOnBroker {

    public final String commands;
    public final String replies;
    public final String deadLetters;
    private final InMemorySchemaRegistry registry;
    private final ProtocolSerdes serdes;

    public InventoryOnBroker(String prefix, InMemorySchemaRegistry registry) {
        this.commands = prefix + ".inventory.commands";
        this.replies = prefix + ".checkout.replies";
        this.deadLetters = prefix + ".inventory.dlq";
        this.registry = registry;
        this.serdes = new ProtocolSerdes(registry);
    }

    /** Creates the three topics, one partition each. */
    public void createTopics(LocalKafkaBroker kafka) {
        kafka.createTopics(Map.of(commands, 1, replies, 1, deadLetters, 1));
    }

    /** A participant of {@code handlers} on these topics, for the caller to add its own settings to. */
    public Participant.Builder participant(LocalKafkaBroker kafka, String applicationId, RecordingHandlers handlers, Path stateDir) {
        return Participant.builder()
                .applicationId(applicationId)
                .bootstrapServers(kafka.bootstrapServers())
                .commandTopic(commands)
                .deadLetterTopic(deadLetters)
                .schemaRegistry(registry)
                .handlers(handlers.handlers())
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .property(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    }

    /** A command of step {@code reserve-stock} of saga {@code saga-1}, answered on the reply topic. */
    public CommandSpec command(String commandId, StepAction action) {
        return CommandSpec.of(Payloads.withRegistry(registry), "saga-1", RESERVE_STOCK, action).id(commandId).replyTopic(replies);
    }

    public void send(KafkaProducer<String, byte[]> producer, StepCommand command) throws Exception {
        producer.send(new ProducerRecord<>(commands, command.getSagaId(), serdes.commands().serialize(commands, command))).get();
    }

    public void awaitReplies(LocalKafkaBroker kafka, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> replies(kafka).size() >= count);
    }

    public List<StepReply> replies(LocalKafkaBroker kafka) {
        return TopicRecords.committed(kafka, replies).stream().map(r -> serdes.replies().deserialize(replies, r.value())).toList();
    }
}
