package dev.sagaline.orchestrator.internals.processor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.internals.store.SagaIndex;
import dev.sagaline.orchestrator.internals.store.StatusIndex;
import dev.sagaline.orchestrator.runtime.SagaTopology;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.orchestrator.runtime.support.SagaFixtures;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the coordinator tells operators besides the audit log: the status index that lists sagas
 * by status, the start request's trace context on every command and event, the meters, and one
 * WARN line when a saga gets STUCK. The saga is {@link SagaFixtures#CHECKOUT}, whose retriable
 * {@code ship} step has 3 attempts.
 */
class SagaCoordinatorObservabilityTest {

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger coordinatorLog = (Logger) LoggerFactory.getLogger(SagaCoordinator.class);
    private TopologyTestDriver driver;
    private TestInputTopic<String, SagaRequest> requests;
    private TestInputTopic<String, StepReply> replies;
    private TestInputTopic<String, byte[]> rawRequests;
    private final Map<String, TestOutputTopic<String, StepCommand>> commands = new HashMap<>();
    private TestOutputTopic<String, SagaEvent> events;
    private final List<TestRecord<String, StepCommand>> sentCommands = new ArrayList<>();
    private final List<TestRecord<String, SagaEvent>> sentEvents = new ArrayList<>();

    @BeforeEach
    void startTheTopology() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "observability-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(SagalineConfig.RETRY_JITTER_CONFIG, 0.0);
        SagalineConfig config = SagalineConfig.of(props);
        ProtocolSerdes serdes = new ProtocolSerdes(new InMemorySchemaRegistry());
        Properties streams = SagaTopology.streamsProperties(config, meters);
        streams.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir.resolve("state")).toString());
        SagaDefinitions definitions = SagaDefinitions.of(SagaFixtures.CHECKOUT);
        driver = new TopologyTestDriver(SagaTopology.build(definitions, config, serdes, meters), streams, START);
        requests = driver.createInputTopic(config.topics().requests(), new StringSerializer(), serdes.requests().serializer());
        rawRequests = driver.createInputTopic(config.topics().requests(), new StringSerializer(), new ByteArraySerializer());
        replies = driver.createInputTopic(config.topics().replies(), new StringSerializer(), serdes.replies().serializer());
        for (String topic : definitions.commandTopics()) {
            commands.put(topic, driver.createOutputTopic(topic, new StringDeserializer(), serdes.commands().deserializer()));
        }
        events = driver.createOutputTopic(config.topics().events(), new StringDeserializer(), serdes.events().deserializer());
        warnings.start();
        coordinatorLog.addAppender(warnings);
    }

    @AfterEach
    void close() {
        coordinatorLog.detachAppender(warnings);
        driver.close();
    }

    @Test
    void countsDeadLettersByReasonAndSourceTopic() {
        rawRequests.pipeInput("s-1", new byte[] {0, 0, 0, 0, 9, 1, 2});
        rawRequests.pipeInput("s-2", (byte[]) null);
        rawRequests.pipeInput("s-3", (byte[]) null);

        assertThat(meters.get("sagaline.dead.letters").tags("reason", "undecodable", "topic", "sagaline.requests").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("sagaline.dead.letters").tags("reason", "invalid-input", "topic", "sagaline.requests").counter().count()).isEqualTo(2.0);
    }

    @Test
    void indexesEachSagaUnderItsCurrentStatusOnly() {
        start("s-1", null);
        start("s-2", null);
        assertThat(index()).containsExactly(KeyValue.pair("RUNNING/s-1", "checkout"), KeyValue.pair("RUNNING/s-2", "checkout"));

        getStuck("s-1");

        assertThat(index()).containsExactly(KeyValue.pair("RUNNING/s-2", "checkout"), KeyValue.pair("STUCK/s-1", "checkout"));
    }

    @Test
    void carriesTheStartRequestsTraceparentOntoEveryCommandAndEvent() {
        start("traced", TRACEPARENT);
        start("untraced", null);
        getStuck("traced");
        drain();

        assertThat(sentCommands).filteredOn(r -> r.key().equals("traced")).hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(r -> assertThat(traceparent(r.headers())).isEqualTo(TRACEPARENT));
        assertThat(sentEvents).filteredOn(r -> r.key().equals("traced")).hasSizeGreaterThanOrEqualTo(8)
                .allSatisfy(r -> assertThat(traceparent(r.headers())).isEqualTo(TRACEPARENT));
        assertThat(sentEvents).filteredOn(r -> r.key().equals("untraced")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.headers().lastHeader("traceparent")).isNull());
    }

    @Test
    void logsOneWarningNamingTheStuckSagaItsStepAndItsLastError() {
        start("s-1", null);
        getStuck("s-1");

        assertThat(warnings.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("saga s-1 (checkout) is STUCK at step ship: last error CARRIER_DOWN the carrier does not answer");
    }

    @Test
    void countsSagasAndStepOutcomesByTypeAndStep() {
        start("s-1", null);
        start("s-2", null);
        getStuck("s-1");

        assertThat(meters.get("sagaline.sagas.started").tag("type", "checkout").counter().count()).isEqualTo(2);
        assertThat(meters.get("sagaline.sagas.stuck").tag("type", "checkout").counter().count()).isEqualTo(1);
        assertThat(meters.get("sagaline.steps").tags("type", "checkout", "step", "charge-payment", "outcome", "succeeded").counter().count())
                .isEqualTo(1);
        assertThat(meters.get("sagaline.steps").tags("type", "checkout", "step", "ship", "outcome", "retry_scheduled").counter().count())
                .isEqualTo(2);
        assertThat(meters.get("sagaline.timer.lag").timer().count()).isEqualTo(2);
        assertThat(meters.get("sagaline.step.latency").tags("type", "checkout", "step", "ship").timer().count()).isEqualTo(3);
        assertThat(meters.get("sagaline.step.latency").tags("type", "checkout", "step", "reserve-stock").timer().count()).isEqualTo(1);
    }

    @Test
    void doesNotCountARegistrationThatFindsNothingDueAsAFiredTimer() {
        start("s-1", null);
        driver.advanceWallClockTime(Duration.ofSeconds(15));
        reply("s-1", "reserve-stock", StepOutcome.SUCCEEDED);

        // past the first step's timeout, at which the saga is still registered; its payment step is due 15 s later
        driver.advanceWallClockTime(Duration.ofSeconds(20));

        assertThat(meters.get("sagaline.timer.lag").timer().count()).isZero();
        drain();
        assertThat(sentEvents).extracting(r -> r.value().getKind().name()).doesNotContain("STEP_TIMED_OUT");
    }

    private void start(String sagaId, String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        if (traceparent != null) {
            headers.add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        SagaRequest start = SagaRequest.newBuilder().setSagaId(sagaId).setBody(StartSaga.newBuilder().setSagaType("checkout").build()).build();
        requests.pipeInput(new TestRecord<>(sagaId, start, headers, now()));
    }

    /** Succeeds the saga's steps up to {@code ship}, which then fails all 3 of its attempts. */
    private void getStuck(String sagaId) {
        reply(sagaId, "reserve-stock", StepOutcome.SUCCEEDED);
        reply(sagaId, "charge-payment", StepOutcome.SUCCEEDED);
        for (int attempt = 1; attempt <= 3; attempt++) {
            reply(sagaId, "ship", StepOutcome.RETRYABLE_ERROR);
            // Past the backoff before the next attempt: 1 s, then 2 s.
            driver.advanceWallClockTime(Duration.ofSeconds(5));
        }
    }

    private void reply(String sagaId, String step, StepOutcome outcome) {
        drain();
        StepCommand command = sentCommands.stream().map(TestRecord::value)
                .filter(c -> c.getSagaId().equals(sagaId) && c.getStep().equals(step)).reduce((a, b) -> b).orElseThrow();
        replies.pipeInput(sagaId, StepReply.newBuilder().setCommandId(command.getCommandId()).setSagaId(sagaId).setStep(step)
                .setAction(command.getAction()).setAttempt(command.getAttempt()).setOutcome(outcome)
                .setErrorCode(outcome == StepOutcome.SUCCEEDED ? null : "CARRIER_DOWN")
                .setErrorMessage(outcome == StepOutcome.SUCCEEDED ? null : "the carrier does not answer")
                .setRepliedAtMs(now()).build(), now());
    }

    private void drain() {
        commands.values().forEach(topic -> sentCommands.addAll(topic.readRecordsToList()));
        sentEvents.addAll(events.readRecordsToList());
    }

    /** The status index's entries, as {@code STATUS/sagaId} to saga type. */
    private List<KeyValue<String, String>> index() {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(SagaTopology.INDEX_STORE);
        List<KeyValue<String, String>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(SagaIndex.statusKey(""), SagaIndex.afterStatuses())) {
            it.forEachRemaining(entry -> entries.add(KeyValue.pair(SagaIndex.statusIndexKeyOf(entry.key), StatusIndex.sagaTypeOf(entry.value))));
        }
        return entries;
    }

    private Instant now() {
        return START;
    }

    private static String traceparent(org.apache.kafka.common.header.Headers headers) {
        return headers.lastHeader("traceparent") == null ? null : new String(headers.lastHeader("traceparent").value(), StandardCharsets.UTF_8);
    }
}
