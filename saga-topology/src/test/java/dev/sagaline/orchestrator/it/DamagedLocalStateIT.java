package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.CommittedRecords;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.it.support.OrchestratorSettings;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIGKILL can land while Kafka Streams wipes or creates a task's RocksDB store, leaving a store
 * directory RocksDB cannot open (its MANIFEST gone). Kafka Streams opens every store it finds on
 * disk when it starts, so such a directory made every restart of the instance fail: a crash loop,
 * seen in the chaos run. The orchestrator must start on it anyway, its sagas restored from the
 * changelogs.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(180)
class DamagedLocalStateIT {

    private static final String PREFIX = "damaged-state-it";
    private static final SagaDefinition WAITING = SagaDefinition.named("waiting")
            .step("first").on(PREFIX + ".first").compensatable().timeout(Duration.ofMinutes(10))
            .build();

    @TempDir
    Path stateDir;

    private SagalineApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void startsOnAStoreDirectoryRocksDbCannotOpenAndRestoresItsSagasFromTheChangelog(LocalKafkaBroker broker) throws IOException {
        Map<String, Object> settings = OrchestratorSettings.forPrefix(broker.bootstrapServers(), PREFIX, stateDir);
        settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, 1);
        SagalineConfig config = SagalineConfig.of(settings);
        ProtocolSerdes serdes = new ProtocolSerdes(InMemorySchemaRegistry.scoped(PREFIX));
        app = SagalineApp.start(config, SagaDefinitions.of(WAITING)).awaitRunning(Duration.ofSeconds(90));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(broker.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            SagaRequest request = SagaRequest.newBuilder().setSagaId("saga-1")
                    .setBody(StartSaga.newBuilder().setSagaType("waiting").build()).build();
            producer.send(new ProducerRecord<>(PREFIX + ".requests", "saga-1", serdes.requests().serialize(PREFIX + ".requests", request)));
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> !CommittedRecords.of(broker, PREFIX + ".first").isEmpty());
        app.close();
        app = null;

        List<Path> manifests = manifestsUnder(stateDir);
        assertThat(manifests).as("RocksDB manifests in the state directory").isNotEmpty();
        for (Path manifest : manifests) {
            Files.delete(manifest);
        }

        app = SagalineApp.start(config, SagaDefinitions.of(WAITING)).awaitRunning(Duration.ofSeconds(90));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> assertThat(app.saga("saga-1").getStatus()).isEqualTo(SagaStatus.RUNNING));
        assertThat(CommittedRecords.of(broker, PREFIX + ".first")).extracting(ConsumerRecord::key).containsExactly("saga-1");
    }

    private static List<Path> manifestsUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith("MANIFEST-")).toList();
        }
    }
}
