package dev.sagaline.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sagaline.app.operate.OperatorClient;
import dev.sagaline.app.testsupport.OrchestratorProcess;
import dev.sagaline.demo.Order;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API of two orchestrator instances, each {@code sagaline run} in a JVM of its own on the
 * local broker, sharing the sagas by partition: either answers for every saga (forwarding to the
 * owner), lists and counts merge both, operator requests go through the requests topic, and a
 * start request's trace context is on every record of its saga.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class QueryApiIT {

    private static final String PREFIX = "query-it";
    private static final String REGISTRY_URL = "memory://query-it";
    private static final String TOKEN = "s3cret";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FINE = IntStream.range(0, 12).mapToObj(i -> "fine-" + i).toList();
    private static final List<String> STUCK = List.of("stuck-1", "stuck-2", "stuck-3");

    @TempDir
    static Path dir;

    private final SchemaRegistry registry = SchemaRegistries.fromUrl(REGISTRY_URL, Map.of());
    private final AtomicBoolean printerFixed = new AtomicBoolean();
    private LocalKafkaBroker broker;
    private Participant printer;
    private OrchestratorProcess first;
    private OrchestratorProcess second;
    private OperatorClient a;
    private OperatorClient b;

    @BeforeAll
    void startTwoInstancesAndRunSagas(LocalKafkaBroker broker) throws Exception {
        this.broker = broker;
        Path config = Files.writeString(dir.resolve("query-it.properties"), String.join("\n",
                "bootstrap.servers=" + broker.bootstrapServers(),
                "application.id=" + PREFIX,
                "session.timeout.ms=6000",
                "heartbeat.interval.ms=1500",
                "sagaline.schema.registry.url=" + REGISTRY_URL,
                "sagaline.topic.partitions=4",
                "sagaline.http.port=0",
                "sagaline.http.auth.token=" + TOKEN,
                "sagaline.topic.requests=" + PREFIX + ".requests",
                "sagaline.topic.replies=" + PREFIX + ".replies",
                "sagaline.topic.events=" + PREFIX + ".events",
                "sagaline.topic.dead.letter=" + PREFIX + ".dead-letter",
                ""));
        Path definitions = Files.createDirectories(dir.resolve("definitions"));
        Files.writeString(definitions.resolve("print.yaml"), """
                saga: print
                steps:
                  - name: book
                    topic: query-it.print
                    kind: pivot
                    timeout: 10s
                  - name: print
                    topic: query-it.print
                    kind: retriable
                    timeout: 10s
                    retry: { maxAttempts: 2, backoff: 100ms }
                """);
        first = OrchestratorProcess.start(dir.resolve("first.log"), "run", "-c", config.toString(), "-d", definitions.toString(),
                "-D", "state.dir=" + dir.resolve("first-state"));
        second = OrchestratorProcess.start(dir.resolve("second.log"), "run", "-c", config.toString(), "-d", definitions.toString(),
                "-D", "state.dir=" + dir.resolve("second-state"));
        a = new OperatorClient(first.url(), Optional.empty());
        b = new OperatorClient(second.url(), Optional.of(TOKEN));
        printer = Participant.builder().applicationId(PREFIX + "-printer").bootstrapServers(broker.bootstrapServers())
                .commandTopic(PREFIX + ".print").schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("printer").toString())
                .onDo("book", Order.class, (order, context) -> StepResult.succeeded())
                .onDo("print", Order.class, (order, context) -> order.getOrderId().startsWith("stuck") && !printerFixed.get()
                        ? StepResult.retryable("PRINTER_OFFLINE", "the printer is offline")
                        : StepResult.succeeded())
                .build();
        printer.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> a.get("/health/ready").status() == 200 && b.get("/health/ready").status() == 200
                && a.get("/api/v1/stats").status() == 200 && b.get("/api/v1/stats").status() == 200);

        List<String> all = new ArrayList<>(FINE);
        all.addAll(STUCK);
        all.add("traced-1");
        try (KafkaProducer<String, SagaRequest> producer = producer()) {
            Payloads payloads = Payloads.withRegistry(registry);
            for (String id : all) {
                SagaRequest start = SagaRequest.newBuilder().setSagaId(id).setRequestId("start-" + id)
                        .setBody(StartSaga.newBuilder().setSagaType("print").setInput(payloads.encode(new Order(id, "sku", 1, 100L))).build()).build();
                ProducerRecord<String, SagaRequest> record = new ProducerRecord<>(PREFIX + ".requests", id, start);
                if (id.startsWith("traced")) {
                    record.headers().add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
                }
                producer.send(record);
            }
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            JsonNode stats = a.get("/api/v1/stats").body();
            return stats.path("byStatus").path("COMPLETED").asInt() == FINE.size() + 1 && stats.path("byStatus").path("STUCK").asInt() == STUCK.size();
        });
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (printer != null) {
            printer.close();
        }
        for (OrchestratorProcess p : new OrchestratorProcess[] {first, second}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void eitherInstanceDescribesEverySagaThoughEachOwnsOnlySome() {
        Set<String> ownedByFirst = new HashSet<>();
        for (String id : FINE) {
            JsonNode fromA = a.get("/api/v1/sagas/" + id).orThrow();
            JsonNode fromB = b.get("/api/v1/sagas/" + id).orThrow();
            assertThat(fromA.path("status").asText()).as(id).isEqualTo("COMPLETED");
            assertThat(fromB).as(id).isEqualTo(fromA);
            if (localStatus(first, id) == 200) {
                ownedByFirst.add(id);
            }
        }
        assertThat(ownedByFirst).as("sagas the first instance owns").isNotEmpty().hasSizeLessThan(FINE.size());

        JsonNode saga = b.get("/api/v1/sagas/fine-0").orThrow();
        assertThat(saga.path("type").asText()).isEqualTo("print");
        assertThat(saga.path("steps").get(1).path("name").asText()).isEqualTo("print");
        assertThat(saga.path("steps").get(1).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(saga.path("steps").get(1).path("commandIds")).hasSize(1);
        assertThat(saga.path("events").findValuesAsText("kind")).containsSubsequence("STARTED", "STEP_COMMANDED", "STEP_SUCCEEDED", "COMPLETED");
    }

    @Test
    void listsStuckSagasFromBothInstancesPageByPage() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = a.get("/api/v1/sagas?status=STUCK&type=print&limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).orThrow();
            page.path("sagas").forEach(s -> {
                seen.add(s.path("sagaId").asText());
                assertThat(s.path("status").asText()).isEqualTo("STUCK");
            });
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
        } while (cursor != null);

        // stuck-3 may have been retried by another test already.
        assertThat(seen).startsWith("stuck-1", "stuck-2").isSubsetOf(STUCK).doesNotHaveDuplicates();
        assertThat(b.get("/api/v1/sagas?status=STUCK&type=other").orThrow().path("sagas")).isEmpty();
        JsonNode stuck = b.get("/api/v1/sagas/stuck-1").orThrow();
        assertThat(stuck.path("steps").get(1).path("lastErrorCode").asText()).isEqualTo("PRINTER_OFFLINE");
    }

    @Test
    void countsSagasByTypeAndStatusOverBothInstances() {
        JsonNode stats = b.get("/api/v1/stats").orThrow();

        assertThat(stats.path("total").asInt()).isEqualTo(FINE.size() + STUCK.size() + 1);
        assertThat(stats.path("byType").path("print").path("COMPLETED").asInt()).isGreaterThanOrEqualTo(FINE.size() + 1);
    }

    @Test
    void answersBadRequestsWithAStatusAndAMessage() {
        OperatorClient.Answer unknownSaga = a.get("/api/v1/sagas/no-such-saga");
        OperatorClient.Answer badStatus = a.get("/api/v1/sagas?status=LOST");
        OperatorClient.Answer badLimit = a.get("/api/v1/sagas?limit=0");
        OperatorClient.Answer noToken = a.post("/api/v1/sagas/stuck-2/retry", JSON.createObjectNode());
        OperatorClient.Answer abortWithoutReason = b.post("/api/v1/sagas/stuck-3/abort", JSON.createObjectNode());
        OperatorClient.Answer resolveUnknownStep = b.post("/api/v1/sagas/stuck-3/resolve",
                JSON.createObjectNode().put("step", "fax").put("outcome", "succeeded").put("reason", "checked"));
        OperatorClient.Answer retryUnknown = b.post("/api/v1/sagas/no-such-saga/retry", JSON.createObjectNode());

        assertThat(unknownSaga.status()).isEqualTo(404);
        assertThat(unknownSaga.body().path("error").asText()).isEqualTo("no saga 'no-such-saga'");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.body().path("error").asText()).startsWith("unknown status 'LOST'");
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(abortWithoutReason.status()).isEqualTo(400);
        assertThat(resolveUnknownStep.status()).isEqualTo(400);
        assertThat(resolveUnknownStep.body().path("error").asText()).isEqualTo("saga 'stuck-3' has no step 'fax'");
        assertThat(retryUnknown.status()).isEqualTo(404);
    }

    @Test
    void anOperatorRetryThroughEitherInstanceFinishesAStuckSaga() {
        printerFixed.set(true);

        JsonNode accepted = b.post("/api/v1/sagas/stuck-3/retry", JSON.createObjectNode().put("reason", "printer fixed").put("operator", "alice"))
                .orThrow();

        assertThat(accepted.path("requestId").asText()).startsWith("op-");
        await().atMost(Duration.ofSeconds(60)).until(() -> a.get("/api/v1/sagas/stuck-3").orThrow().path("status").asText().equals("COMPLETED"));
        JsonNode saga = a.get("/api/v1/sagas/stuck-3").orThrow();
        List<String> reasons = saga.path("events").findValuesAsText("reason");
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("operator retry by alice: printer fixed"));
    }

    @Test
    void servesHealthAndPrometheusMetrics() {
        assertThat(a.get("/health/live").status()).isEqualTo(200);
        assertThat(b.get("/health/ready").orThrow().path("streams").asText()).isEqualTo("RUNNING");
        String metrics = prometheusText(first.url() + "metrics") + prometheusText(second.url() + "metrics");

        assertThat(metrics).contains("sagaline_sagas_started_total{type=\"print\"}", "sagaline_sagas_stuck_total{type=\"print\"}",
                "sagaline_steps_total{outcome=\"succeeded\",step=\"print\",type=\"print\"}", "sagaline_timer_lag_seconds_bucket",
                "sagaline_step_latency_seconds_bucket", "sagaline_sagas_active{status=\"STUCK\",type=\"print\"}",
                "kafka_stream_");
    }

    @Test
    void oneTraceIdIsOnEveryCommandReplyAndEventOfASaga() {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (String topic : List.of(PREFIX + ".print", PREFIX + ".replies", PREFIX + ".events")) {
            records.addAll(committed(topic, "traced-1"));
        }

        assertThat(records).extracting(ConsumerRecord::topic).contains(PREFIX + ".print", PREFIX + ".replies", PREFIX + ".events");
        assertThat(records).allSatisfy(r -> {
            Header header = r.headers().lastHeader("traceparent");
            assertThat(header).as("traceparent on %s", r.topic()).isNotNull();
            assertThat(new String(header.value(), StandardCharsets.UTF_8)).isEqualTo(TRACEPARENT);
        });
        JsonNode saga = a.get("/api/v1/sagas/traced-1").orThrow();
        assertThat(saga.path("metadata").path("traceparent").asText()).isEqualTo(TRACEPARENT);
    }

    private static int localStatus(OrchestratorProcess instance, String sagaId) {
        try {
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(instance.url() + "api/v1/sagas/" + sagaId))
                    .header("X-Sagaline-Local", "true").build();
            return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String prometheusText(String url) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<ConsumerRecord<String, byte[]>> committed(String topic, String key) {
        Map<String, Object> props = new HashMap<>(broker.clientConfig());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
            }
        }
        return found;
    }

    private KafkaProducer<String, SagaRequest> producer() {
        Map<String, Object> props = new HashMap<>(broker.clientConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new ProtocolSerdes(registry).requests().serializer());
    }
}
