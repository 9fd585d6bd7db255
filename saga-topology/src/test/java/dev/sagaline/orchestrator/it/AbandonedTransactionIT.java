package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.runtime.AuditTopicReader;
import dev.sagaline.orchestrator.runtime.OrchestratorTopics;
import dev.sagaline.orchestrator.runtime.SagaEnds;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance killed mid-transaction leaves that transaction open, and every {@code read_committed}
 * reader of a partition it wrote (the instance that takes its tasks over, its restore) stands still
 * until the broker aborts it: after the dead producer's {@code transaction.timeout.ms} and the
 * broker's next abort scan. Here a dead orchestrator and a dead participant instance (transactional
 * ids of their applications, process ids no member has) hold open transactions with a five-minute
 * timeout on every partition of the request topic and of the step's command topic; the live
 * instances that start on them fence those ids once they are a session timeout old, so a saga
 * sent behind them ends within seconds, and their own producers are never fenced.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(240)
class AbandonedTransactionIT {

    private static final String APP = "abandoned-it";
    private static final String SERVICE = APP + "-stock";
    private static final String COMMAND_TOPIC = "abandoned-it.stock";
    /** The broker's shortest; a transaction is taken for a dead instance's once it is open this long. */
    private static final int SESSION_TIMEOUT_MS = 6_000;
    /** Far longer than the test: only a fence ends these transactions before it does. */
    private static final int DEAD_TRANSACTION_TIMEOUT_MS = 300_000;
    private static final SagaDefinition ORDER = SagaDefinition.named("order")
            .step("reserve").on(COMMAND_TOPIC).compensatable()
            .build();

    @TempDir
    Path stateDir;

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void aSagaBehindTheOpenTransactionsOfDeadInstancesEndsWithinSecondsOfTheTakeover(LocalKafkaBroker broker) throws Exception {
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scoped(APP);
        ProtocolSerdes serdes = new ProtocolSerdes(registry);
        SagalineConfig config = SagalineConfig.of(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, APP,
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("orchestrator").toString(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS,
                SagalineConfig.TOPIC_PARTITIONS_CONFIG, 3,
                SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "memory://" + APP));
        SagaDefinitions definitions = SagaDefinitions.of(ORDER);
        OrchestratorTopics.ensure(config, definitions);
        String requests = config.topics().requests();
        abandonTransaction(broker, APP + "-" + UUID.randomUUID() + "-1", requests);
        abandonTransaction(broker, SERVICE + "-" + UUID.randomUUID() + "-1", COMMAND_TOPIC);

        startSaga(broker, serdes, requests, "saga-1");
        assertThat(committedRecords(broker, requests, Duration.ofSeconds(3)))
                .as("committed records a read_committed reader gets past the dead orchestrator's open transaction").isZero();

        Participant participant = Participant.builder()
                .applicationId(SERVICE)
                .bootstrapServers(broker.bootstrapServers())
                .commandTopic(COMMAND_TOPIC)
                .schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("stock").toString())
                .property(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS)
                .onDo("reserve", SagaRequest.class, (input, context) -> StepResult.succeeded())
                .onCompensate("reserve", SagaRequest.class, (input, context) -> StepResult.succeeded())
                .build();
        participant.start();
        running.add(participant);
        SagalineApp app = SagalineApp.start(config, definitions);
        running.add(app);
        app.awaitRunning(Duration.ofSeconds(90));
        participant.awaitRunning(Duration.ofSeconds(90));

        assertThat(statusWithin(Duration.ofSeconds(15), broker, config, serdes, "saga-1", SagaEnds::finishes)).as("how saga-1 ended").isEqualTo(SagaStatus.COMPLETED);
        assertThat(tasksClosed(app.streams())).as("orchestrator tasks closed (a fenced producer closes its tasks)").isZero();
        assertThat(tasksClosed(participant.streams())).as("participant tasks closed (a fenced producer closes its tasks)").isZero();
    }

    @Test
    void aSagaBehindATransactionThatThisInstancesEarlierRunLeftOpenMovesOnceItStartsAgain(LocalKafkaBroker broker) throws Exception {
        String app = "earlier-run-it";
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scoped(app);
        ProtocolSerdes serdes = new ProtocolSerdes(registry);
        SagalineConfig config = SagalineConfig.of(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, app,
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("earlier-run").toString(),
                SagalineConfig.TOPIC_PARTITIONS_CONFIG, 2,
                SagalineConfig.REQUESTS_TOPIC_CONFIG, app + ".requests",
                SagalineConfig.REPLIES_TOPIC_CONFIG, app + ".replies",
                SagalineConfig.EVENTS_TOPIC_CONFIG, app + ".events",
                SagalineConfig.DEAD_LETTER_TOPIC_CONFIG, app + ".dead-letter",
                SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "memory://" + app));
        SagaDefinitions definitions = SagaDefinitions.of(ORDER);
        OrchestratorTopics.ensure(config, definitions);
        String processId;
        try (SagalineApp earlier = SagalineApp.start(config, definitions)) {
            earlier.awaitRunning(Duration.ofSeconds(90));
            String consumer = earlier.streams().metadataForLocalThreads().iterator().next().consumerClientId();
            processId = consumer.substring(app.length() + 1, consumer.indexOf("-StreamThread-"));
        }
        // The earlier run had a second stream thread, which this run does not: no thread of it
        // initialises that transactional id, so nothing but the fence ends its open transaction.
        String requests = config.topics().requests();
        abandonTransaction(broker, app + "-" + processId + "-2", requests);
        startSaga(broker, serdes, requests, "saga-1");

        SagalineApp again = SagalineApp.start(config, definitions);
        running.add(again);
        again.awaitRunning(Duration.ofSeconds(90));

        assertThat(statusWithin(Duration.ofSeconds(15), broker, config, serdes, "saga-1", event -> true)).as("saga-1 after the restarted instance read its start request").isEqualTo(SagaStatus.RUNNING);
        assertThat(tasksClosed(again.streams())).as("tasks closed (a fenced producer closes its tasks)").isZero();
    }

    private static void startSaga(LocalKafkaBroker broker, ProtocolSerdes serdes, String requests, String sagaId) throws Exception {
        try (KafkaProducer<String, SagaRequest> producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(), serdes.requests().serializer())) {
            producer.send(new ProducerRecord<>(requests, sagaId, SagaRequest.newBuilder().setSagaId(sagaId)
                    .setBody(StartSaga.newBuilder().setSagaType("order").build()).build())).get();
        }
    }

    /** The status {@code sagaId} moved to in its first audit event that {@code which} accepts, awaited for up to {@code within}. */
    private static SagaStatus statusWithin(Duration within, LocalKafkaBroker broker, SagalineConfig config, ProtocolSerdes serdes,
                                           String sagaId, Predicate<SagaEvent> which) {
        AtomicReference<SagaStatus> status = new AtomicReference<>();
        try (AuditTopicReader audit = AuditTopicReader.fromStart(config.topics().events(),
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), serdes.events().deserializer())) {
            await().atMost(within).until(() -> {
                audit.poll(Duration.ofMillis(200), (id, event) -> {
                    if (id.equals(sagaId) && which.test(event) && status.get() == null) {
                        status.set(event.getToStatus());
                    }
                });
                return status.get() != null;
            });
        }
        return status.get();
    }

    /** A dead instance's producer: it wrote to every partition of {@code topic} in a transaction it never ends. */
    private void abandonTransaction(LocalKafkaBroker broker, String transactionalId, String topic) {
        Map<String, Object> settings = new HashMap<>(broker.clientConfig());
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEAD_TRANSACTION_TIMEOUT_MS);
        KafkaProducer<byte[], byte[]> dead = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
        running.add(() -> dead.close(Duration.ZERO));
        dead.initTransactions();
        dead.beginTransaction();
        for (int partition = 0; partition < dead.partitionsFor(topic).size(); partition++) {
            dead.send(new ProducerRecord<>(topic, partition, null, new byte[] {0}));
        }
        dead.flush();
    }

    /** How many records of {@code topic} a read_committed reader reads from the start within {@code wait}. */
    private static int committedRecords(LocalKafkaBroker broker, String topic, Duration wait) {
        Map<String, Object> settings = new HashMap<>(broker.clientConfig());
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            int read = 0;
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                read += reader.poll(Duration.ofMillis(200)).count();
            }
            return read;
        }
    }

    private static double tasksClosed(KafkaStreams streams) {
        return streams.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().name().equals("task-closed-total"))
                .map(Map.Entry::getValue)
                .mapToDouble(metric -> ((Number) metric.metricValue()).doubleValue())
                .sum();
    }
}
