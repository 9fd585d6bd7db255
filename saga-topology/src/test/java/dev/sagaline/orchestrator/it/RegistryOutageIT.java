package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.CommittedRecords;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.it.support.SwitchableRegistry;
import dev.sagaline.orchestrator.it.support.OrchestratorSettings;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.HttpSchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A valid reply whose writer schema the orchestrator has not cached yet arrives while the Schema
 * Registry is unreachable: the orchestrator waits for the registry instead of dead-lettering the
 * reply, and the saga completes once the registry answers again.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(180)
class RegistryOutageIT {

    private static final String PREFIX = "outage-it";
    private static final SagaDefinition PAY = SagaDefinition.named("pay")
            .step("charge").on(PREFIX + ".payment").pivot().timeout(Duration.ofSeconds(90)).build();

    @TempDir
    Path stateDir;

    @AutoClose
    private final SwitchableRegistry registry = SwitchableRegistry.start();
    @AutoClose
    private SagalineApp app;

    @Test
    void waitsForTheRegistryInsteadOfDeadLetteringAValidReply(LocalKafkaBroker broker) throws InterruptedException {
        Map<String, Object> settings = OrchestratorSettings.forPrefix(broker.bootstrapServers(), PREFIX, stateDir);
        settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, 1);
        settings.put(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.uri().toString());
        app = SagalineApp.start(SagalineConfig.of(settings), SagaDefinitions.of(PAY)).awaitRunning(Duration.ofSeconds(90));
        ProtocolSerdes serdes = new ProtocolSerdes(new HttpSchemaRegistry(registry.uri()));
        String commands = PREFIX + ".payment";

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(broker.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            SagaRequest start = SagaRequest.newBuilder().setSagaId("s-1").setBody(StartSaga.newBuilder().setSagaType("pay").build()).build();
            producer.send(new ProducerRecord<>(PREFIX + ".requests", "s-1", serdes.requests().serialize(PREFIX + ".requests", start)));
            producer.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> !CommittedRecords.of(broker, commands).isEmpty());
            ConsumerRecord<String, byte[]> record = CommittedRecords.of(broker, commands).get(0);
            StepCommand command = serdes.commands().deserialize(commands, record.value());
            StepReply reply = StepReply.newBuilder().setCommandId(command.getCommandId()).setSagaId(command.getSagaId())
                    .setStep(command.getStep()).setAction(command.getAction()).setAttempt(command.getAttempt())
                    .setOutcome(StepOutcome.SUCCEEDED).setRepliedAtMs(Instant.now()).build();
            // Registered while the registry answers; the orchestrator has never read this schema.
            byte[] replyBytes = serdes.replies().serialize(command.getReplyTopic(), reply);

            registry.unreachable();
            producer.send(new ProducerRecord<>(command.getReplyTopic(), command.getSagaId(), replyBytes));
            producer.flush();
            Thread.sleep(8_000);
            assertThat(CommittedRecords.of(broker, PREFIX + ".dead-letter")).as("dead letters during the outage").extracting(ConsumerRecord::key).isEmpty();
            registry.reachable();
        }

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(CommittedRecords.of(broker, PREFIX + ".events").stream()
                .map(r -> serdes.events().deserialize(r.topic(), r.value()).getKind()))
                .contains(SagaEventKind.COMPLETED));
        assertThat(CommittedRecords.of(broker, PREFIX + ".dead-letter")).extracting(ConsumerRecord::key).isEmpty();
        assertThat(app.streams().state().isRunningOrRebalancing()).isTrue();
    }
}
