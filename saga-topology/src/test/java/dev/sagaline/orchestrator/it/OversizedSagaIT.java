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
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.PayloadEncoding;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * One saga that cannot go on, because its next state would not fit in a Kafka record or because
 * its definition's input mapping throws, is stopped (STUCK, with an event naming the reason) while
 * the orchestrator keeps running the others: no RecordTooLargeException in the record collector,
 * no stream thread that dies again on every restart.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(180)
class OversizedSagaIT {

    private static final String PREFIX = "oversized-it";
    private static final SagaDefinition BIG = SagaDefinition.named("big")
            .step("first").on(PREFIX + ".first").compensatable().timeout(Duration.ofSeconds(60)).input(saga -> null)
            .step("second").on(PREFIX + ".second").compensatable().timeout(Duration.ofSeconds(60)).input(saga -> null)
            .build();
    private static final SagaDefinition BROKEN_MAPPING = SagaDefinition.named("broken")
            .step("first").on(PREFIX + ".first").compensatable().timeout(Duration.ofSeconds(60))
            .step("second").on(PREFIX + ".second").compensatable().timeout(Duration.ofSeconds(60)).input(saga -> {
                throw new IllegalArgumentException("no field 'sku' in the output of step first");
            })
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
    void stopsTheSagaWhoseStateWouldExceedTheRecordLimitOrWhoseInputMappingThrowsAndRunsTheOthers(LocalKafkaBroker broker) {
        Map<String, Object> settings = OrchestratorSettings.forPrefix(broker.bootstrapServers(), PREFIX, stateDir);
        settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, 1);
        SagalineConfig config = SagalineConfig.of(settings);
        app = SagalineApp.start(config, SagaDefinitions.of(BIG, BROKEN_MAPPING)).awaitRunning(Duration.ofSeconds(90));
        ProtocolSerdes serdes = new ProtocolSerdes(InMemorySchemaRegistry.scoped(PREFIX));

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(broker.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            start(producer, serdes, "big-1", "big", bytes(600_000));
            start(producer, serdes, "broken-1", "broken", null);
            start(producer, serdes, "small-1", "big", bytes(10));
            // Each first step succeeds; big-1's output of 500 kB on its 600 kB input makes a state
            // of 1.1 MB, more than a record may hold.
            answerFirstSteps(broker, producer, serdes, List.of("big-1", "broken-1", "small-1"), Map.of("big-1", 500_000));
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(app.streams().state().isRunningOrRebalancing()).as("orchestrator running").isTrue();
            assertThat(commandsFor(broker, serdes, PREFIX + ".second")).as("second steps commanded").containsExactly("small-1");
            assertThat(stuckEvent(broker, serdes, "big-1")).isPresent();
            assertThat(stuckEvent(broker, serdes, "broken-1")).isPresent();
        });
        assertThat(stuckEvent(broker, serdes, "big-1").orElseThrow().getReason())
                .contains("would exceed the record size limit").contains("sagaline.record.max.bytes");
        assertThat(stuckEvent(broker, serdes, "broken-1").orElseThrow().getReason())
                .contains("input of step 'second' could not be built").contains("no field 'sku' in the output of step first");
        assertThat(app.saga("big-1").getStatus()).isEqualTo(SagaStatus.STUCK);
        assertThat(app.saga("broken-1").getStatus()).isEqualTo(SagaStatus.STUCK);
        assertThat(app.saga("small-1").getStatus()).isEqualTo(SagaStatus.RUNNING);
    }

    private static void start(KafkaProducer<String, byte[]> producer, ProtocolSerdes serdes, String id, String type, byte[] input) {
        SagaRequest request = SagaRequest.newBuilder().setSagaId(id).setBody(StartSaga.newBuilder().setSagaType(type)
                .setInput(input == null ? null : new Payload(PayloadEncoding.BYTES, null, ByteBuffer.wrap(input))).build()).build();
        producer.send(new ProducerRecord<>(PREFIX + ".requests", id, serdes.requests().serialize(PREFIX + ".requests", request)));
        producer.flush();
    }

    /** Plays the participant of step {@code first}: answers each saga's DO with success and an output of the given size. */
    private static void answerFirstSteps(LocalKafkaBroker broker, KafkaProducer<String, byte[]> producer, ProtocolSerdes serdes,
                                         List<String> sagas, Map<String, Integer> outputSizes) {
        await().atMost(Duration.ofSeconds(60)).until(() -> commandsFor(broker, serdes, PREFIX + ".first").containsAll(sagas));
        for (ConsumerRecord<String, byte[]> record : CommittedRecords.of(broker, PREFIX + ".first")) {
            StepCommand command = serdes.commands().deserialize(record.topic(), record.value());
            Integer size = outputSizes.get(command.getSagaId());
            StepReply reply = StepReply.newBuilder().setCommandId(command.getCommandId()).setSagaId(command.getSagaId())
                    .setStep(command.getStep()).setAction(command.getAction()).setAttempt(command.getAttempt())
                    .setOutcome(StepOutcome.SUCCEEDED).setRepliedAtMs(Instant.now())
                    .setOutput(size == null ? null : new Payload(PayloadEncoding.BYTES, null, ByteBuffer.wrap(bytes(size))))
                    .build();
            producer.send(new ProducerRecord<>(command.getReplyTopic(), command.getSagaId(), serdes.replies().serialize(command.getReplyTopic(), reply)));
        }
        producer.flush();
    }

    private static List<String> commandsFor(LocalKafkaBroker broker, ProtocolSerdes serdes, String topic) {
        return CommittedRecords.of(broker, topic).stream().map(ConsumerRecord::key).toList();
    }

    private static Optional<SagaEvent> stuckEvent(LocalKafkaBroker broker, ProtocolSerdes serdes, String sagaId) {
        return CommittedRecords.of(broker, PREFIX + ".events").stream()
                .filter(r -> sagaId.equals(r.key()))
                .map(r -> serdes.events().deserialize(r.topic(), r.value()))
                .filter(e -> e.getKind() == SagaEventKind.STUCK)
                .findFirst();
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
