package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.CommittedRecords;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.orchestrator.it.support.ChildOrchestrator;
import dev.sagaline.orchestrator.it.support.OrchestratorSettings;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * A step timeout means the participant did not answer in time, not that the orchestrator had not
 * read the answer yet: replies written promptly while the orchestrator (in its own JVM) is stopped,
 * or frozen with SIGSTOP, for longer than the step timeout are accepted when it comes back, and no
 * saga times out. The orchestrator reads in small polls, so its backlog takes a while to read.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(240)
class InTimeRepliesIT {

    private static final int SAGAS = 100;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration DOWNTIME = Duration.ofSeconds(6);

    @TempDir
    Path workDir;

    @AutoClose
    private ChildOrchestrator orchestrator;

    @Test
    void acceptsRepliesWrittenInTimeWhileTheOrchestratorWasStoppedLongerThanTheTimeout(LocalKafkaBroker broker) {
        runThroughAnOutage(broker, "in-time-restart", () -> orchestrator.stop(), () -> orchestrator.start(Duration.ofSeconds(90)));
    }

    @Test
    void acceptsRepliesWrittenInTimeWhileTheOrchestratorWasFrozenLongerThanTheTimeout(LocalKafkaBroker broker) {
        runThroughAnOutage(broker, "in-time-pause", () -> orchestrator.pause(), () -> orchestrator.resume());
    }

    /**
     * Starts {@value #SAGAS} sagas, and once their commands are out takes the orchestrator down,
     * answers every command at once, as a participant that is up would, waits {@link #DOWNTIME}
     * and brings the orchestrator back.
     */
    private void runThroughAnOutage(LocalKafkaBroker broker, String prefix, Runnable down, Runnable up) {
        orchestrator = orchestrator(broker, prefix).start(Duration.ofSeconds(90));
        ProtocolSerdes serdes = new ProtocolSerdes(InMemorySchemaRegistry.scoped(prefix));
        try (KafkaProducer<String, byte[]> producer = producer(broker)) {
            startSagas(producer, serdes, prefix);
            List<StepCommand> commands = awaitCommands(broker, serdes, prefix);
            down.run();
            try {
                reply(producer, serdes, commands);
                Thread.sleep(DOWNTIME.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                up.run();
            }
        }
        assertEverySagaCompletedWithoutATimeout(broker, serdes, prefix);
    }

    private ChildOrchestrator orchestrator(LocalKafkaBroker broker, String prefix) {
        Map<String, Object> settings = OrchestratorSettings.forPrefix(broker.bootstrapServers(), prefix, workDir.resolve("state"));
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10);
        String definition = """
                saga: pay
                version: 1
                steps:
                  - name: charge
                    topic: %s.payment
                    kind: pivot
                    timeout: %ds
                    retry: { maxAttempts: 1 }
                """.formatted(prefix, STEP_TIMEOUT.toSeconds());
        return ChildOrchestrator.in(workDir, settings, Map.of("pay.yaml", definition));
    }

    private static KafkaProducer<String, byte[]> producer(LocalKafkaBroker broker) {
        return new KafkaProducer<>(broker.clientConfig(), new StringSerializer(), new ByteArraySerializer());
    }

    private static void startSagas(KafkaProducer<String, byte[]> producer, ProtocolSerdes serdes, String prefix) {
        for (int i = 0; i < SAGAS; i++) {
            String id = "s-" + i;
            SagaRequest start = SagaRequest.newBuilder().setSagaId(id).setBody(StartSaga.newBuilder().setSagaType("pay").build()).build();
            producer.send(new ProducerRecord<>(prefix + ".requests", id, serdes.requests().serialize(prefix + ".requests", start)));
        }
        producer.flush();
    }

    private static List<StepCommand> awaitCommands(LocalKafkaBroker broker, ProtocolSerdes serdes, String prefix) {
        String topic = prefix + ".payment";
        await().atMost(Duration.ofSeconds(60)).until(() -> CommittedRecords.of(broker, topic).size() >= SAGAS);
        return CommittedRecords.of(broker, topic).stream().map(r -> serdes.commands().deserialize(topic, r.value())).toList();
    }

    /** Answers every command at once, as a participant that is up while the orchestrator is not. */
    private static void reply(KafkaProducer<String, byte[]> producer, ProtocolSerdes serdes, List<StepCommand> commands) {
        for (StepCommand command : commands) {
            StepReply reply = StepReply.newBuilder().setCommandId(command.getCommandId()).setSagaId(command.getSagaId())
                    .setStep(command.getStep()).setAction(command.getAction()).setAttempt(command.getAttempt())
                    .setOutcome(StepOutcome.SUCCEEDED).setRepliedAtMs(Instant.now()).build();
            producer.send(new ProducerRecord<>(command.getReplyTopic(), command.getSagaId(),
                    serdes.replies().serialize(command.getReplyTopic(), reply)));
        }
        producer.flush();
    }

    private void assertEverySagaCompletedWithoutATimeout(LocalKafkaBroker broker, ProtocolSerdes serdes, String prefix) {
        String topic = prefix + ".events";
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(orchestrator.isAlive()).as("orchestrator alive; its output:%n%s", orchestrator.tail()).isTrue();
            assertThat(finished(broker, serdes, topic)).hasSize(SAGAS);
        });
        Map<String, SagaEventKind> finished = finished(broker, serdes, topic);
        List<SagaEvent> timeouts = events(broker, serdes, topic).stream().filter(e -> e.getKind() == SagaEventKind.STEP_TIMED_OUT).toList();
        assertThat(timeouts).as("timeouts of replies written %s before they were due", STEP_TIMEOUT).isEmpty();
        assertThat(finished.values()).as("how each saga ended").containsOnly(SagaEventKind.COMPLETED);
    }

    private static Map<String, SagaEventKind> finished(LocalKafkaBroker broker, ProtocolSerdes serdes, String topic) {
        return events(broker, serdes, topic).stream()
                .filter(e -> e.getKind() == SagaEventKind.COMPLETED || e.getKind() == SagaEventKind.COMPENSATED)
                .collect(Collectors.toMap(SagaEvent::getSagaId, SagaEvent::getKind, (a, b) -> a));
    }

    private static List<SagaEvent> events(LocalKafkaBroker broker, ProtocolSerdes serdes, String topic) {
        return CommittedRecords.of(broker, topic).stream().map(ConsumerRecord::value)
                .map(v -> serdes.events().deserialize(topic, v)).toList();
    }
}
