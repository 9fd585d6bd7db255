package dev.sagaline.participant.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.Participant;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A participant in a {@link TopologyTestDriver}, scripted like a conversation with the
 * orchestrator: build a command, {@link #send} it, look at the one reply.
 *
 * <pre>{@code
 * try (ParticipantDriver participant = ParticipantDriver.start(handlers.handlers())) {
 *     StepReply reply = participant.send(participant.command("saga-1", "reserve-stock", DO).input(order));
 *     assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
 * }
 * }</pre>
 *
 * Each driver has its own schema registry and starts its wall clock at {@link #START}.
 */
public final class ParticipantDriver implements AutoCloseable {

    public static final String APPLICATION_ID = "inventory";
    public static final String COMMAND_TOPIC = "inventory.commands";
    public static final String REPLY_TOPIC = "checkout.replies";
    public static final String DEAD_LETTER_TOPIC = "inventory.dlq";
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final Participant participant;
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final Payloads payloads;
    private final TestInputTopic<String, StepCommand> commands;
    private final TestInputTopic<String, byte[]> rawCommands;
    private final TestOutputTopic<String, StepReply> replies;
    private final TestOutputTopic<String, byte[]> deadLetters;

    private ParticipantDriver(Participant participant, Path stateDir) {
        this.participant = participant;
        this.stateDir = stateDir;
        this.driver = new TopologyTestDriver(participant.buildTopology(), participant.streamsProperties(), START);
        this.payloads = Payloads.withRegistry(participant.schemaRegistry());
        ProtocolSerdes serdes = new ProtocolSerdes(participant.schemaRegistry());
        this.commands = driver.createInputTopic(COMMAND_TOPIC, new StringSerializer(), serdes.commands().serializer());
        this.rawCommands = driver.createInputTopic(COMMAND_TOPIC, new StringSerializer(), new ByteArraySerializer());
        this.replies = driver.createOutputTopic(REPLY_TOPIC, new StringDeserializer(), serdes.replies().deserializer());
        this.deadLetters = driver.createOutputTopic(DEAD_LETTER_TOPIC, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A participant with {@code handlers} and default settings. */
    public static ParticipantDriver start(ParticipantHandlers handlers) {
        return start(handlers, UnaryOperator.identity());
    }

    /** A participant with {@code handlers}, and {@code settings} applied to its builder. */
    public static ParticipantDriver start(ParticipantHandlers handlers, UnaryOperator<Participant.Builder> settings) {
        Path stateDir = temporaryStateDir();
        Participant.Builder builder = Participant.builder()
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .applicationId(APPLICATION_ID)
                .bootstrapServers("unused:9092")
                .commandTopic(COMMAND_TOPIC)
                .schemaRegistry(new InMemorySchemaRegistry())
                .handlers(handlers);
        return new ParticipantDriver(settings.apply(builder).build(), stateDir);
    }

    /**
     * A participant with {@code handlers} processing at least once. Under exactly-once the
     * TopologyTestDriver loses what a deserialization handler sends (it is sent before the task's
     * transaction commits, and the driver clears uncommitted sends), so dead letters of unreadable
     * records show only this way; ParticipantCrashIT checks the exactly-once path on a broker.
     */
    public static ParticipantDriver startAtLeastOnce(ParticipantHandlers handlers) {
        return start(handlers, builder -> builder.property(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE));
    }

    /** A command with test defaults; see {@link CommandSpec}. */
    public CommandSpec command(String sagaId, String step, StepAction action) {
        return new CommandSpec(payloads, sagaId, step, action);
    }

    /** Sends the command and returns its one reply; fails if there is not exactly one reply and no dead letter. */
    public StepReply send(CommandSpec command) {
        return send(command.build());
    }

    /** As {@link #send(CommandSpec)}. */
    public StepReply send(StepCommand command) {
        pipe(command);
        List<StepReply> answered = replies();
        assertThat(answered).as("replies to command %s", command.getCommandId()).hasSize(1);
        assertThat(deadLetters.isEmpty()).as("no dead letter for command %s", command.getCommandId()).isTrue();
        return answered.get(0);
    }

    /** Sends the command, keyed by its saga id, without looking at the outcome. */
    public void pipe(StepCommand command) {
        commands.pipeInput(command.getSagaId(), command);
    }

    /** Sends the command under {@code key}, which may differ from its saga id or be null. */
    public void pipe(String key, StepCommand command) {
        commands.pipeInput(key, command);
    }

    /** Sends the command with {@code headers}. */
    public void pipe(StepCommand command, Headers headers) {
        commands.pipeInput(new TestRecord<>(command.getSagaId(), command, headers));
    }

    /** Sends a record with any bytes as its value, such as a corrupt command or a tombstone (null). */
    public void pipeRaw(String key, byte[] value) {
        rawCommands.pipeInput(key, value);
    }

    /** The replies sent since the last call. */
    public List<StepReply> replies() {
        return replies.readValuesToList();
    }

    /** The dead letters sent since the last call. */
    public List<TestRecord<String, byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    /** Decodes a reply's output. */
    public <T extends SpecificRecord> T decode(Payload payload, Class<T> type) {
        return payloads.decode(payload, type);
    }

    public void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    public Participant participant() {
        return participant;
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
        deleteRecursively(stateDir);
    }

    /** Each driver gets its own state directory, so drivers in parallel or overlapping tests never share RocksDB files. */
    private static Path temporaryStateDir() {
        try {
            return Files.createTempDirectory("participant-driver-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
