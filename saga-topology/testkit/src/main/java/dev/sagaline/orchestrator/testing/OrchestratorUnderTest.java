package dev.sagaline.orchestrator.testing;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.runtime.SagaTopology;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The real orchestrator topology on a {@link TopologyTestDriver}, in a state directory of its own
 * so kits in parallel tests never share RocksDB files: its input topics, what it emitted, and its
 * saga store.
 */
final class OrchestratorUnderTest implements AutoCloseable {

    private final TopologyTestDriver driver;
    private final Path stateDir;
    private final TestInputTopic<String, SagaRequest> requests;
    private final TestInputTopic<String, StepReply> replies;
    private final TestInputTopic<String, byte[]> rawRequests;
    private final TestInputTopic<String, byte[]> rawReplies;
    private final SentCommands commands;
    private final AuditEvents events;
    private final DeadLetters deadLetters;

    OrchestratorUnderTest(SagaDefinitions definitions, SagalineConfig config, ProtocolSerdes serdes, Payloads payloads, Instant start) {
        try {
            this.stateDir = Files.createTempDirectory("sagaline-test-kit");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for the test kit", e);
        }
        Properties streams = SagaTopology.streamsProperties(config);
        streams.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        this.driver = new TopologyTestDriver(SagaTopology.build(definitions, config, serdes), streams, start);
        StringSerializer keys = new StringSerializer();
        StringDeserializer keysIn = new StringDeserializer();
        this.requests = driver.createInputTopic(config.topics().requests(), keys, serdes.requests().serializer());
        this.replies = driver.createInputTopic(config.topics().replies(), keys, serdes.replies().serializer());
        this.rawRequests = driver.createInputTopic(config.topics().requests(), keys, new ByteArraySerializer());
        this.rawReplies = driver.createInputTopic(config.topics().replies(), keys, new ByteArraySerializer());
        Map<String, TestOutputTopic<String, StepCommand>> commandTopics = new LinkedHashMap<>();
        for (String topic : definitions.commandTopics()) {
            commandTopics.put(topic, driver.createOutputTopic(topic, keysIn, serdes.commands().deserializer()));
        }
        this.commands = new SentCommands(commandTopics, payloads);
        this.events = new AuditEvents(driver.createOutputTopic(config.topics().events(), keysIn, serdes.events().deserializer()));
        this.deadLetters = new DeadLetters(driver.createOutputTopic(config.topics().deadLetter(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    void request(String key, SagaRequest request, Instant at) {
        requests.pipeInput(key, request, at);
    }

    void reply(String key, StepReply reply, Instant at) {
        replies.pipeInput(key, reply, at);
    }

    void rawRequest(String key, byte[] value, Instant at) {
        rawRequests.pipeInput(key, value, at);
    }

    void rawReply(String key, byte[] value, Instant at) {
        rawReplies.pipeInput(key, value, at);
    }

    void advanceWallClock(Duration move) {
        driver.advanceWallClockTime(move);
    }

    SagaState state(String sagaId) {
        KeyValueStore<String, SagaState> store = driver.getKeyValueStore(SagaTopology.SAGA_STATE_STORE);
        return store.get(sagaId);
    }

    SentCommands commands() {
        return commands;
    }

    AuditEvents events() {
        return events;
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        driver.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test kit's state directory " + stateDir, e);
        }
    }
}
