package dev.sagaline.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the benchmark's three-step saga (three compensatable steps on one participant topic)
 * costs the orchestrator in records, changelogs included, from its start to its end: every record
 * is work in the saga's transactions, so a change that adds one shows here. The driver commits
 * after every input, a hop later than the one before, as a busy orchestrator commits every saga's hops in separate transactions.
 */
class RecordsPerSagaTest {

    private static final String STEPS = "steps.commands";
    private static final String APPLICATION = "records";
    private static final Duration HOP = Duration.ofMillis(100);
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final SagaDefinition ORDER = SagaDefinition.named("order")
            .step("reserve").on(STEPS).compensatable()
            .step("charge").on(STEPS).compensatable()
            .step("ship").on(STEPS).compensatable()
            .build();

    private final ProtocolSerdes serdes = new ProtocolSerdes(new InMemorySchemaRegistry());
    private final SagalineConfig config = SagalineConfig.of(Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "records:9092"));
    /** Commands read to answer them, gone from the driver's output. */
    private long commandsRead;
    private Path stateDir;
    private TopologyTestDriver driver;

    @BeforeEach
    void startDriver() throws IOException {
        stateDir = Files.createTempDirectory("records-per-saga");
        Properties props = SagaTopology.streamsProperties(config);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(SagaTopology.build(SagaDefinitions.of(ORDER), config, serdes), props, START);
    }

    @AfterEach
    void closeDriver() throws IOException {
        driver.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aCompletedThreeStepSagaWritesTheseRecords() {
        runOneSaga("o-1");

        assertThat(recordsByTopic()).containsExactlyInAnyOrderEntriesOf(Map.of(
                STEPS, 4L,
                config.topics().events(), 8L,
                changelog(SagaTopology.SAGA_STATE_STORE), 4L,
                changelog(SagaTopology.INDEX_STORE), 8L));
    }

    /*
     * The index's 8: the timer registered at the start, kept while each later due time falls
     * after it, then moved to the purge time when the saga completes (3); the status RUNNING,
     * then RUNNING removed and COMPLETED added (3); the version's count, written at the start and
     * at the end, since this driver commits after every input (2).
     */

    /** Starts saga {@code sagaId} and answers each of its commands with success, each input in a transaction of its own. */
    private void runOneSaga(String sagaId) {
        TestInputTopic<String, SagaRequest> requests = driver.createInputTopic(config.topics().requests(), new StringSerializer(),
                serdes.requests().serializer());
        TestInputTopic<String, StepReply> replies = driver.createInputTopic(config.topics().replies(), new StringSerializer(),
                serdes.replies().serializer());
        TestOutputTopic<String, StepCommand> commands = driver.createOutputTopic(STEPS, new StringDeserializer(),
                serdes.commands().deserializer());
        requests.pipeInput(sagaId, SagaRequest.newBuilder().setSagaId(sagaId)
                .setBody(StartSaga.newBuilder().setSagaType("order").build()).build(), START);
        int answered = 0;
        while (answered < ORDER.steps().size()) {
            List<StepCommand> sent = commands.readValuesToList();
            commandsRead += sent.size();
            assertThat(sent).as("commands sent after %d replies", answered).isNotEmpty();
            for (StepCommand command : sent) {
                // a hop takes time, so each step's timeout falls later than the one before
                driver.advanceWallClockTime(HOP);
                replies.pipeInput(sagaId, StepReply.newBuilder().setCommandId(command.getCommandId()).setSagaId(sagaId)
                        .setStep(command.getStep()).setAction(command.getAction()).setAttempt(command.getAttempt())
                        .setOutcome(StepOutcome.SUCCEEDED).setRepliedAtMs(START).build(), START);
                answered++;
            }
        }
    }

    /** The records written to every topic, changelogs included, since the driver started. */
    private Map<String, Long> recordsByTopic() {
        Map<String, Long> counts = new TreeMap<>();
        for (String topic : driver.producedTopicNames()) {
            TestOutputTopic<byte[], byte[]> output = driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            long read = output.getQueueSize();
            counts.put(topic, read + (topic.equals(STEPS) ? commandsRead : 0));
        }
        return counts;
    }

    private static String changelog(String store) {
        return APPLICATION + "-" + store + "-changelog";
    }
}
