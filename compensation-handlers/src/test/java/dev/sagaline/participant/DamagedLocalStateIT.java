package dev.sagaline.participant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.localkafka.LocalKafka;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.testsupport.InventoryOnBroker;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.participant.testsupport.TopicRecords;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
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

    private static final ReserveStock ORDER = new ReserveStock("o-1", "sku-42", 2);

    private final InventoryOnBroker topics = new InventoryOnBroker("damaged", new InMemorySchemaRegistry());
    private final RecordingHandlers inventory = new RecordingHandlers();

    @TempDir
    Path stateDir;

    @Test
    void startsOnAStoreRocksDbCannotOpenAndAnswersARepeatedCommandFromTheRestoredRecord(LocalKafkaBroker kafka) throws Exception {
        topics.createTopics(kafka);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TopicRecords.producerConfig(kafka))) {
            try (Participant participant = participant(kafka)) {
                participant.start();
                participant.awaitRunning(Duration.ofSeconds(60));
                topics.send(producer, command("c-1"));
                topics.awaitReplies(kafka, 1);
            }
            List<Path> manifests = manifestsUnder(stateDir);
            assertThat(manifests).as("RocksDB manifests in the state directory").isNotEmpty();
            for (Path manifest : manifests) {
                Files.delete(manifest);
            }

            try (Participant participant = participant(kafka)) {
                participant.start();
                participant.awaitRunning(Duration.ofSeconds(60));
                topics.send(producer, command("c-1"));
                topics.awaitReplies(kafka, 2);
            }
        }
        assertThat(inventory.calls(StepAction.DO)).as("the repeated command was answered from the restored record").isEqualTo(1);
        assertThat(topics.replies(kafka)).extracting(StepReply::getCommandId).containsExactly("c-1", "c-1");
    }

    private static List<Path> manifestsUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith("MANIFEST-")).toList();
        }
    }

    private Participant participant(LocalKafkaBroker kafka) {
        return topics.participant(kafka, "damaged-inventory", inventory, stateDir).build();
    }

    private StepCommand command(String commandId) {
        return topics.command(commandId, StepAction.DO).input(ORDER).build();
    }
}
