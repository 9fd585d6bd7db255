package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.internals.processor.CrashSwitch;
import dev.sagaline.orchestrator.runtime.AuditTopicReader;
import dev.sagaline.orchestrator.runtime.SagaEnds;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
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
 * participants from the participant library. In the middle of the run the orchestrator's stream
 * thread dies after a saga's state write and before that decision's commands and events are sent
 * (the {@link CrashSwitch}); a new instance starts on the same state. Every saga still ends once,
 * as planned, with each step's action commanded exactly once per attempt and handled once, and the
 * saga's state, audit events and participants' records all telling the same story.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(240)
class OrchestratorRestartIT {

    private static final int SAGAS = 300;
    private static final List<String> STEPS = List.of("reserve", "charge", "ship");
    /** Far longer than the downtime: no step times out and retries, so each saga's actions are known in advance. */
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);
    private static final SagaDefinition ORDER = SagaDefinition.named("order")
            .step("reserve").on("it.stock").compensatable().timeout(STEP_TIMEOUT)
            .step("charge").on("it.payment").compensatable().timeout(STEP_TIMEOUT)
            .step("ship").on("it.shipping").compensatable().timeout(STEP_TIMEOUT)
            .build();

    @TempDir
    Path stateDir;

    private final List<AutoCloseable> running = new ArrayList<>();
    /** Handler calls by command id, and the participants' records: the actions each saga's steps went through. */
    private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    private final Map<String, List<String>> actionsBySaga = new ConcurrentHashMap<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void resumesEverySagaExactlyOnceAfterACrashBetweenTheStateWriteAndTheForward(LocalKafkaBroker broker) throws Exception {
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scoped("restart-it");
        ProtocolSerdes serdes = new ProtocolSerdes(registry);
        SagalineConfig config = SagalineConfig.of(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "restart-it",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                // The same state directory keeps the same process id, hence the same transactional
                // id: the new instance fences the dead one and its open transaction is aborted.
                StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("orchestrator").toString(),
                // A dead stream thread does not leave its group; the new instance's first
                // rebalance waits for its session to expire, 45 s by default.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_500,
                SagalineConfig.TOPIC_PARTITIONS_CONFIG, 3,
                SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "memory://restart-it"));
        SagaDefinitions definitions = SagaDefinitions.of(ORDER);
        SagalineApp first = start(config, definitions);
        startParticipant(broker, registry, "stock", "it.stock", "reserve");
        startParticipant(broker, registry, "payment", "it.payment", "charge");
        startParticipant(broker, registry, "shipping", "it.shipping", "ship");
        first.awaitRunning(Duration.ofSeconds(90));
        List<String> sagas = IntStream.range(0, SAGAS).mapToObj(i -> "saga-" + i).toList();

        SagalineApp second;
        try (KafkaProducer<String, SagaRequest> producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), serdes.requests().serializer());
             EventLog log = new EventLog(broker, config.topics().events(), serdes)) {
            // Two thirds go to the first orchestrator, the rest arrive while none runs, so the run
            // spans the crash however fast the first sagas finish.
            int beforeCrash = SAGAS * 2 / 3;
            send(producer, config, sagas.subList(0, beforeCrash));
            await().atMost(Duration.ofSeconds(90)).until(() -> log.read().endedCount() >= SAGAS / 10);
            CountDownLatch crashed = CrashSwitch.armAfterStateWrite();
            assertThat(crashed.await(60, TimeUnit.SECONDS)).as("the orchestrator crashed after a state write").isTrue();
            int endedAtCrash = log.read().endedCount();
            first.close();
            send(producer, config, sagas.subList(beforeCrash, SAGAS));

            second = start(config, definitions);
            second.awaitRunning(Duration.ofSeconds(90));
            await().atMost(Duration.ofSeconds(120)).until(() -> log.read().endedCount() >= SAGAS);

            assertThat(endedAtCrash).as("sagas ended before the crash").isLessThan(SAGAS);
            assertThat(log.endsBySaga()).as("ends by saga").hasSize(SAGAS)
                    .allSatisfy((saga, ends) -> assertThat(ends).as(saga).containsExactly(expectedEnd(saga)));
            assertThat(sagas).allSatisfy(saga -> assertThat(log.events(saga)).extracting(SagaEvent::getSequence).as(saga + " event sequence")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, log.events(saga).size()).boxed().toList()));
        }
        assertThat(sagas).allSatisfy(saga -> assertThat(second.saga(saga).getStatus()).as(saga + " state").isEqualTo(expectedEnd(saga)));

        List<StepCommand> commands = committedCommands(broker, serdes);
        assertThat(commands.stream().collect(Collectors.groupingBy(
                        c -> c.getSagaId() + " " + c.getStep() + " " + c.getAction() + " attempt " + c.getAttempt(), Collectors.counting())))
                .as("committed commands by saga, step, action and attempt")
                .allSatisfy((command, count) -> assertThat(count).as(command).isEqualTo(1));
        Map<String, List<String>> commandedBySaga = commands.stream().collect(Collectors.groupingBy(StepCommand::getSagaId,
                Collectors.mapping(c -> c.getStep() + " " + c.getAction(), Collectors.toList())));
        assertThat(sagas).allSatisfy(saga -> assertThat(commandedBySaga.get(saga)).as(saga + " committed commands and finish notices")
                .containsExactlyInAnyOrderElementsOf(withFinishNotices(expectedCommands(saga))));
        assertThat(handled.keySet()).as("handled commands").isSubsetOf(commands.stream().map(StepCommand::getCommandId).toList());
        assertThat(handled).allSatisfy((command, count) -> assertThat(count.get()).as(command).isEqualTo(1));
        assertThat(sagas).allSatisfy(saga -> assertThat(actionsBySaga.get(saga)).as(saga + " participants' records")
                .containsExactlyInAnyOrderElementsOf(expectedHandled(saga)));
    }

    /** The planned commands and, for every step that got a DO, the one FORGET notice a finished saga sends it. */
    private static List<String> withFinishNotices(List<String> commands) {
        List<String> all = new ArrayList<>(commands);
        commands.stream().filter(c -> c.endsWith(" DO")).map(c -> c.substring(0, c.length() - " DO".length()) + " FORGET").forEach(all::add);
        return all;
    }

    /** Every seventh charge is declined: that saga compensates the charge itself and the reservation. */
    private static boolean declined(String saga) {
        return Integer.parseInt(saga.substring("saga-".length())) % 7 == 0;
    }

    private static SagaStatus expectedEnd(String saga) {
        return declined(saga) ? SagaStatus.COMPENSATED : SagaStatus.COMPLETED;
    }

    /** What the orchestrator commands: a declined charge is compensated too, then the reservation. */
    private static List<String> expectedCommands(String saga) {
        return declined(saga)
                ? List.of("reserve DO", "charge DO", "charge COMPENSATE", "reserve COMPENSATE")
                : STEPS.stream().map(step -> step + " DO").toList();
    }

    /** What reaches the handlers: the participant answers the COMPENSATE of a refused DO on its own. */
    private static List<String> expectedHandled(String saga) {
        return expectedCommands(saga).stream().filter(action -> !(declined(saga) && action.equals("charge COMPENSATE"))).toList();
    }

    private SagalineApp start(SagalineConfig config, SagaDefinitions definitions) {
        SagalineApp app = SagalineApp.start(config, definitions);
        running.add(app);
        return app;
    }

    private static void send(KafkaProducer<String, SagaRequest> producer, SagalineConfig config, List<String> sagas) {
        for (String id : sagas) {
            producer.send(new ProducerRecord<>(config.topics().requests(), id, SagaRequest.newBuilder().setSagaId(id)
                    .setBody(StartSaga.newBuilder().setSagaType("order").build()).build()));
        }
        producer.flush();
    }

    /** A participant that declines the charge of every seventh saga and records each command it handles. */
    private void startParticipant(LocalKafkaBroker broker, InMemorySchemaRegistry registry, String service, String topic, String step) {
        Participant participant = Participant.builder()
                .applicationId("restart-it-" + service)
                .bootstrapServers(broker.bootstrapServers())
                .commandTopic(topic)
                .schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(service).toString())
                .onDo(step, SagaRequest.class, (input, context) -> {
                    record(context);
                    return step.equals("charge") && declined(context.sagaId())
                            ? StepResult.failed("DECLINED", "every seventh charge is declined") : StepResult.succeeded();
                })
                .onCompensate(step, SagaRequest.class, (input, context) -> {
                    record(context);
                    return StepResult.succeeded();
                })
                .build();
        participant.start();
        running.add(participant);
    }

    private void record(StepContext context) {
        handled.computeIfAbsent(context.commandId(), id -> new AtomicInteger()).incrementAndGet();
        actionsBySaga.computeIfAbsent(context.sagaId(), id -> new CopyOnWriteArrayList<>()).add(context.step() + " " + context.action());
    }

    /** The step commands on the participants' topics as a read_committed reader sees them. */
    private static List<StepCommand> committedCommands(LocalKafkaBroker broker, ProtocolSerdes serdes) {
        List<String> topics = List.of("it.stock", "it.payment", "it.shipping");
        try (KafkaConsumer<String, StepCommand> consumer = committedReader(broker, "restart-it-commands", serdes.commands().deserializer())) {
            consumer.subscribe(topics);
            List<StepCommand> commands = new ArrayList<>();
            // Every saga has ended, so every command is on the topics: read until the ends answer.
            Map<String, Long> ends = new HashMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> commands.add(record.value()));
                if (consumer.assignment().isEmpty()) {
                    return false;
                }
                consumer.endOffsets(consumer.assignment()).forEach((partition, end) -> ends.put(partition.toString(), end));
                return consumer.assignment().stream().allMatch(p -> consumer.position(p) >= ends.get(p.toString()));
            });
            return commands;
        }
    }

    private static <V> KafkaConsumer<String, V> committedReader(LocalKafkaBroker broker, String group, Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }

    /** The audit topic as a read_committed reader sees it. */
    private static final class EventLog implements AutoCloseable {
        private final AuditTopicReader reader;
        private final Map<String, List<SagaEvent>> events = new HashMap<>();

        EventLog(LocalKafkaBroker broker, String topic, ProtocolSerdes serdes) {
            this.reader = AuditTopicReader.fromStart(topic, Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    serdes.events().deserializer());
        }

        EventLog read() {
            reader.poll(Duration.ofMillis(200), (sagaId, event) -> events.computeIfAbsent(sagaId, k -> new ArrayList<>()).add(event));
            return this;
        }

        List<SagaEvent> events(String saga) {
            return events.getOrDefault(saga, List.of());
        }

        /** The statuses each saga finished in, once per finishing event. */
        Map<String, List<SagaStatus>> endsBySaga() {
            return events.entrySet().stream()
                    .filter(entry -> entry.getValue().stream().anyMatch(SagaEnds::finishes))
                    .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().stream()
                            .filter(SagaEnds::finishes).map(SagaEvent::getToStatus).toList()));
        }

        int endedCount() {
            return endsBySaga().size();
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
