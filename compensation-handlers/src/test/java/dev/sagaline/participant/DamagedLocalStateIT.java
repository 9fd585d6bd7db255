package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.LocalKafka;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.testsupport.CommandSpec;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.participant.testsupport.TopicRecords;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIGKILL can land while Kafka Streams wipes or creates a task's RocksDB store, leaving a store
 * directory RocksDB cannot open. Kafka Streams opens every store it finds on disk when it starts,
 * so every restart failed on it. The participant must start anyway, with its record of processed
 * commands restored from the changelog: a command sent again is answered from it, not run twice.
 */
@Tag("integration")
@LocalKafka
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DamagedLocalStateIT {

    private static final String COMMANDS = "damaged.inventory.commands";
    private static final String REPLIES = "damaged.checkout.replies";
    private static final String DEAD_LETTERS = "damaged.inventory.dlq";
    private static final ReserveStock ORDER = new ReserveStock("o-1", "sku-42", 2);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ProtocolSerdes serdes = new ProtocolSerdes(registry);
    private final RecordingHandlers inventory = new RecordingHandlers();

    @TempDir
    Path stateDir;

    @Test
    void startsOnAStoreRocksDbCannotOpenAndAnswersARepeatedCommandFromTheRestoredRecord(LocalKafkaBroker kafka) throws Exception {
        kafka.createTopics(Map.of(COMMANDS, 1, REPLIES, 1, DEAD_LETTERS, 1));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TopicRecords.producerConfig(kafka))) {
            try (Participant participant = participant(kafka)) {
                participant.start();
                participant.awaitRunning(Duration.ofSeconds(60));
                send(producer, command("c-1"));
                awaitReplies(kafka, 1);
            }
            List<Path> manifests = manifestsUnder(stateDir);
            assertThat(manifests).as("RocksDB manifests in the state directory").isNotEmpty();
            for (Path manifest : manifests) {
                Files.delete(manifest);
            }

            try (Participant participant = participant(kafka)) {
                participant.start();
                participant.awaitRunning(Duration.ofSeconds(60));
                send(producer, command("c-1"));
                awaitReplies(kafka, 2);
            }
        }
        assertThat(inventory.calls(StepAction.DO)).as("the repeated command was answered from the restored record").isEqualTo(1);
        assertThat(replies(kafka)).extracting(StepReply::getCommandId).containsExactly("c-1", "c-1");
    }

    private static List<Path> manifestsUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith("MANIFEST-")).toList();
        }
    }

    private void awaitReplies(LocalKafkaBroker kafka, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> replies(kafka).size() >= count);
    }

    private List<StepReply> replies(LocalKafkaBroker kafka) {
        return TopicRecords.committed(kafka, REPLIES).stream().map(r -> serdes.replies().deserialize(REPLIES, r.value())).toList();
    }

    private Participant participant(LocalKafkaBroker kafka) {
        return Participant.builder()
                .applicationId("damaged-inventory")
                .bootstrapServers(kafka.bootstrapServers())
                .commandTopic(COMMANDS)
                .deadLetterTopic(DEAD_LETTERS)
                .schemaRegistry(registry)
                .handlers(inventory.handlers())
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .property(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest")
                .build();
    }

    private void send(KafkaProducer<String, byte[]> producer, StepCommand command) throws Exception {
        producer.send(new ProducerRecord<>(COMMANDS, command.getSagaId(), serdes.commands().serialize(COMMANDS, command))).get();
    }

    private StepCommand command(String commandId) {
        return CommandSpec.of(Payloads.withRegistry(registry), "saga-1", RESERVE_STOCK, StepAction.DO).id(commandId).replyTopic(REPLIES)
                .input(ORDER).build();
    }
}
