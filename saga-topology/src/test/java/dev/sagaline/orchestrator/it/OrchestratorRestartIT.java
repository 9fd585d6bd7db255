package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of sagas through the real orchestrator, exactly-once, on a real local broker, with
 * participants from the participant library; the orchestrator is closed in the middle of the run
 * and started again on the same state, and every saga still finishes exactly once.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(240)
class OrchestratorRestartIT {

    private static final int SAGAS = 300;
    private static final SagaDefinition ORDER = SagaDefinition.named("order")
            .step("reserve").on("it.stock").compensatable().timeout(Duration.ofSeconds(20))
            .step("charge").on("it.payment").compensatable().timeout(Duration.ofSeconds(20))
            .step("ship").on("it.shipping").compensatable().timeout(Duration.ofSeconds(20))
            .build();

    @TempDir
    Path stateDir;

    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void finishesEverySagaExactlyOnceAcrossAnOrchestratorRestart(LocalKafkaBroker broker) {
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scoped("restart-it");
        ProtocolSerdes serdes = new ProtocolSerdes(registry);
        SagalineConfig config = SagalineConfig.of(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "restart-it",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("orchestrator").toString(),
                SagalineConfig.TOPIC_PARTITIONS_CONFIG, 3,
                SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "memory://restart-it"));
        SagaDefinitions definitions = SagaDefinitions.of(ORDER);
        SagalineApp first = SagalineApp.start(config, definitions);
        running.add(first);
        startParticipant(broker, registry, "stock", "it.stock", "reserve");
        startParticipant(broker, registry, "payment", "it.payment", "charge");
        startParticipant(broker, registry, "shipping", "it.shipping", "ship");
        first.awaitRunning(Duration.ofSeconds(90));

        try (KafkaProducer<String, SagaRequest> producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), serdes.requests().serializer());
             EventLog log = new EventLog(broker, config.topics().events(), serdes)) {
            // Two thirds go to the running orchestrator, the rest arrive while it is down, so the
            // run spans the restart however fast the first sagas finish.
            int beforeStop = SAGAS * 2 / 3;
            send(producer, config, 0, beforeStop);
            await().atMost(Duration.ofSeconds(90)).until(() -> log.read().finished() >= SAGAS / 10);
            first.close();
            int finishedAtRestart = log.read().finished();
            send(producer, config, beforeStop, SAGAS);

            SagalineApp second = SagalineApp.start(config, definitions);
            running.add(second);
            second.awaitRunning(Duration.ofSeconds(90));
            await().atMost(Duration.ofSeconds(120)).until(() -> log.read().finished() >= SAGAS);

            assertThat(finishedAtRestart).as("sagas finished before the restart").isLessThan(SAGAS);
            assertThat(log.terminalEventsBySaga()).hasSize(SAGAS).allSatisfy((saga, kinds) -> assertThat(kinds).hasSize(1));
            assertThat(log.terminalEventsBySaga().values().stream().flatMap(List::stream))
                    .containsOnly(SagaEventKind.COMPLETED, SagaEventKind.COMPENSATED)
                    .contains(SagaEventKind.COMPLETED, SagaEventKind.COMPENSATED);
            assertThat(handled).allSatisfy((command, count) -> assertThat(count.get()).as(command).isEqualTo(1));
        }
    }

    private static void send(KafkaProducer<String, SagaRequest> producer, SagalineConfig config, int from, int to) {
        for (int i = from; i < to; i++) {
            String id = "saga-" + i;
            producer.send(new ProducerRecord<>(config.topics().requests(), id, SagaRequest.newBuilder().setSagaId(id)
                    .setBody(StartSaga.newBuilder().setSagaType("order").build()).build()));
        }
        producer.flush();
    }

    /** A participant that refuses the charge of every seventh saga and records each command it handles. */
    private void startParticipant(LocalKafkaBroker broker, InMemorySchemaRegistry registry, String service, String topic, String step) {
        Participant participant = Participant.builder()
                .applicationId("restart-it-" + service)
                .bootstrapServers(broker.bootstrapServers())
                .commandTopic(topic)
                .schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(service).toString())
                .onDo(step, SagaRequest.class, (input, context) -> {
                    handled.computeIfAbsent(context.commandId(), id -> new AtomicInteger()).incrementAndGet();
                    boolean refuse = step.equals("charge") && Integer.parseInt(context.sagaId().substring(5)) % 7 == 0;
                    return refuse ? StepResult.failed("DECLINED", "every seventh charge is declined") : StepResult.succeeded();
                })
                .onCompensate(step, SagaRequest.class, (input, context) -> {
                    handled.computeIfAbsent(context.commandId(), id -> new AtomicInteger()).incrementAndGet();
                    return StepResult.succeeded();
                })
                .build();
        participant.start();
        running.add(participant);
    }

    /** The audit topic as a read_committed reader sees it. */
    private static final class EventLog implements AutoCloseable {
        private final KafkaConsumer<String, SagaEvent> consumer;
        private final Map<String, List<SagaEventKind>> terminal = new HashMap<>();

        EventLog(LocalKafkaBroker broker, String topic, ProtocolSerdes serdes) {
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-it-events");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), serdes.events().deserializer());
            consumer.subscribe(List.of(topic));
        }

        EventLog read() {
            for (ConsumerRecord<String, SagaEvent> record : consumer.poll(Duration.ofMillis(200))) {
                SagaEventKind kind = record.value().getKind();
                if (kind == SagaEventKind.COMPLETED || kind == SagaEventKind.COMPENSATED) {
                    terminal.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(kind);
                }
            }
            return this;
        }

        int finished() {
            return terminal.size();
        }

        Map<String, List<SagaEventKind>> terminalEventsBySaga() {
            return terminal;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
