package dev.sagaline.orchestrator.internals.processor;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sagaline.schemas.retry.RetryPolicy;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.internals.statemachine.SagaDecider;
import dev.sagaline.orchestrator.internals.statemachine.StepPolicies;
import dev.sagaline.orchestrator.runtime.SagaTopology;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.registry.RegisteredSchema;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import com.example.shop.PlaceOrder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrade safety: sagas that release 0.1.0 left in the state store and in the topics finish under
 * the current orchestrator and participant. The records are the checked-in bytes of
 * {@code upgrade/0.1.0} (written with the 0.1.0 schemas; see its README), read through a registry
 * that holds the 0.1.0 schemas under their ids, as a deployment's registry does.
 *
 * <p>The orchestrator runs on {@link MockProcessorContext} because the saga store must hold the
 * 0.1.0 bytes before the coordinator starts (it rebuilds its timers from the store then), and a
 * {@code TopologyTestDriver} cannot start on a store filled before (see
 * {@code SagaCoordinatorStartTest}).
 */
class UpgradeFrom010Test {

    private static final String FIXTURES = "/upgrade/0.1.0/";
    private static final Instant NOW = Instant.parse("2030-01-01T00:10:00Z");
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final StepPolicies POLICIES = new StepPolicies(STEP_TIMEOUT, RetryPolicy.attempts(3),
            RetryPolicy.untilSuccess(), RetryPolicy.attempts(10), Duration.ofDays(1), Duration.ofDays(7), Duration.ofMinutes(10));

    private final SchemaRegistry registry = new RegistryOf010();
    private final ProtocolSerdes serdes = new ProtocolSerdes(registry);
    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private final KeyValueStore<Bytes, byte[]> storedBytes = Stores.inMemoryKeyValueStore(SagaTopology.SAGA_STATE_STORE).get();
    private KeyValueStore<String, SagaState> sagas;
    private SagaCoordinator coordinator;
    private int commandsSeen;

    @BeforeEach
    void startOn010Store() {
        KeyValueBytesStoreSupplier the010Store = new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return SagaTopology.SAGA_STATE_STORE;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return storedBytes;
            }

            @Override
            public String metricsScope() {
                return "in-memory";
            }
        };
        sagas = Stores.keyValueStoreBuilder(the010Store, Serdes.String(), serdes.states()).withLoggingDisabled().build();
        sagas.init(context.getStateStoreContext(), sagas);
        context.addStateStore(sagas);
        KeyValueStore<Bytes, byte[]> index = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SagaTopology.INDEX_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        index.init(context.getStateStoreContext(), index);
        context.addStateStore(index);
        storedBytes.put(Bytes.wrap("o-1".getBytes(StandardCharsets.UTF_8)), fixture("state-o-1-charging.bin"));
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        coordinator = new SagaCoordinator(new SagaDecider(SagaDefinitions.of(ORDER), POLICIES, "sagaline.replies"), Duration.ofSeconds(1),
                100, 1_000_000, new SagaMetrics(new SimpleMeterRegistry()));
        coordinator.init(context);
    }

    @Test
    void completesASagaThe010OrchestratorStoredWithThe010ParticipantsReplies() {
        SagaState stored = sagas.get("o-1");
        assertThat(stored.getStatus()).isEqualTo(SagaStatus.RUNNING);
        assertThat(stored.getSteps().get(1).getCommandId()).isEqualTo("o-1/charge-payment/DO/1");

        reply("o-1", "reply-o-1-charge-payment-succeeded.bin");
        assertThat(commands()).singleElement().satisfies(ship -> {
            assertThat(ship.getStep()).isEqualTo("ship");
            assertThat(ship.getMetadata()).containsEntry("traceId", "t-1");
        });
        reply("o-1", "reply-o-1-ship-succeeded.bin");

        assertThat(events()).extracting(SagaEvent::getKind).containsSubsequence(SagaEventKind.STEP_SUCCEEDED, SagaEventKind.STEP_COMMANDED,
                SagaEventKind.STEP_SUCCEEDED, SagaEventKind.COMPLETED);
        assertThat(events()).extracting(SagaEvent::getSequence).as("the 0.1.0 saga's log goes on from its event 4").startsWith(5L, 6L);
        assertThat(sagas.get("o-1").getStatus()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(sagas.get("o-1").getSteps().get(1).getOutput()).as("the 0.1.0 reply's output is kept").isNotNull();
    }

    @Test
    void compensatesASagaThe010OrchestratorStoredWhenIts010ReplyFails() {
        reply("o-1", "reply-o-1-charge-payment-failed.bin");
        assertThat(commands()).as("the failed step was sent, so it is compensated first").singleElement()
                .satisfies(compensate -> assertThat(compensate.getStep()).isEqualTo("charge-payment"));
        reply("o-1", "reply-o-1-charge-payment-compensated.bin");
        assertThat(commands()).singleElement().satisfies(compensate -> {
            assertThat(compensate.getStep()).isEqualTo("reserve-stock");
            assertThat(compensate.getAction()).isEqualTo(StepAction.COMPENSATE);
            assertThat(Payloads.jsonText(compensate.getInput())).as("the forward output the 0.1.0 state kept").isEqualTo("{\"reservation\":\"r-1\"}");
        });
        reply("o-1", "reply-o-1-reserve-stock-compensated.bin");

        assertThat(sagas.get("o-1").getStatus()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(sagas.get("o-1").getFailureReason()).contains("charge-payment");
    }

    @Test
    void timesOutTheCommandA010SagaWaitsForWhenItsReplyNeverComes() {
        fireTimersAt(NOW.plus(STEP_TIMEOUT).plusSeconds(1));

        assertThat(events()).extracting(SagaEvent::getKind, SagaEvent::getStep)
                .contains(tuple(SagaEventKind.STEP_TIMED_OUT, "charge-payment"));
    }

    @Test
    void startsAndRunsASagaFromA010StartRequest() {
        context.setRecordMetadata("sagaline.requests", 0, 0);
        coordinator.process(new Record<>("o-2", serdes.requests().deserialize("sagaline.requests", fixture("request-start-o-2.bin")),
                NOW.toEpochMilli()));

        assertThat(commands()).singleElement().satisfies(first -> {
            assertThat(first.getSagaId()).isEqualTo("o-2");
            assertThat(first.getStep()).isEqualTo("reserve-stock");
            assertThat(first.getMetadata()).containsEntry("traceId", "t-2");
        });
        assertThat(sagas.get("o-2").getInput()).isNotNull();
    }

    @Test
    void participantAnswers010CommandsAndA010OrchestratorReadsTheReplies(@TempDir Path stateDir) throws IOException {
        AtomicInteger compensations = new AtomicInteger();
        Participant participant = Participant.builder().applicationId("upgrade-inventory").bootstrapServers("unused:9092")
                .commandTopic("inventory.commands").schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .onDo("reserve-stock", PlaceOrder.class, (input, ctx) -> StepResult.succeeded())
                .onCompensate("reserve-stock", PlaceOrder.class, (input, ctx) -> {
                    compensations.incrementAndGet();
                    return StepResult.succeeded();
                })
                .build();
        try (TopologyTestDriver driver = new TopologyTestDriver(participant.buildTopology(), participant.streamsProperties(), NOW)) {
            var commands = driver.createInputTopic("inventory.commands", new StringSerializer(), new ByteArraySerializer());
            var replies = driver.createOutputTopic("sagaline.replies", new StringDeserializer(),
                    new ByteArrayDeserializer());

            commands.pipeInput("o-3", fixture("command-o-3-reserve-stock-do.bin"));
            commands.pipeInput("o-3", fixture("command-o-3-reserve-stock-compensate.bin"));

            List<byte[]> written = replies.readValuesToList();
            assertThat(written).hasSize(2);
            List<GenericRecord> as010 = new ArrayList<>();
            for (byte[] reply : written) {
                as010.add(readAs010Reply(reply));
            }
            assertThat(as010).extracting(r -> r.get("commandId").toString(), r -> r.get("outcome").toString()).containsExactly(
                    tuple("o-3/reserve-stock/DO/1", "SUCCEEDED"),
                    tuple("o-3/reserve-stock/COMPENSATE/1", "SUCCEEDED"));
            assertThat(compensations).as("the compensation ran against the 0.1.0 DO, not as an empty rollback").hasValue(1);
        }
    }

    /** A reply the current participant wrote, read the way a 0.1.0 orchestrator reads it: into the 0.1.0 schema. */
    private GenericRecord readAs010Reply(byte[] wire) throws IOException {
        Schema writer = registry.schemaById(ByteBuffer.wrap(wire, 1, 4).getInt());
        return new GenericDatumReader<GenericRecord>(writer, RegistryOf010.schema("StepReply.avsc"))
                .read(null, DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(wire, 5, wire.length), null));
    }

    private void reply(String key, String fixture) {
        context.setRecordMetadata("sagaline.replies", 0, 0);
        coordinator.process(new Record<>(key, serdes.replies().deserialize("sagaline.replies", fixture(fixture)), NOW.toEpochMilli()));
    }

    /** Runs the wall-clock punctuator at {@code at}, returning the tick it sends through the reply topic as the broker would. */
    private void fireTimersAt(Instant at) {
        context.setCurrentSystemTimeMs(at.toEpochMilli());
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(at.toEpochMilli());
        List<MockProcessorContext.CapturedForward<? extends String, ?>> ticks = context.forwarded(TopologyNames.REPLIES_SINK);
        context.resetForwards();
        for (MockProcessorContext.CapturedForward<? extends String, ?> tick : ticks) {
            context.setRecordMetadata("sagaline.replies", 0, 1);
            coordinator.process(new Record<String, Object>(null, null, tick.record().timestamp(), tick.record().headers()));
        }
    }

    /** The commands (not finish notices) sent since the last call. */
    private List<StepCommand> commands() {
        List<StepCommand> sent = context.forwarded(TopologyNames.COMMANDS_SINK).stream().map(f -> (StepCommand) f.record().value())
                .filter(command -> command.getAction() != StepAction.FORGET).toList();
        List<StepCommand> fresh = sent.subList(commandsSeen, sent.size());
        commandsSeen = sent.size();
        return fresh;
    }

    private List<SagaEvent> events() {
        return context.forwarded(TopologyNames.EVENTS_SINK).stream().map(f -> (SagaEvent) f.record().value()).toList();
    }

    private static byte[] fixture(String name) {
        try (InputStream in = UpgradeFrom010Test.class.getResourceAsStream(FIXTURES + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + FIXTURES + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The schema registry as a 0.1.0 deployment left it: the 0.1.0 protocol schemas under the ids
     * the checked-in records carry; the current schemas are registered next to them, as the
     * current version does on first use.
     */
    private static final class RegistryOf010 implements SchemaRegistry {

        private static final Map<Integer, String> IDS = Map.of(1, "SagaRequest.avsc", 2, "StepCommand.avsc", 3, "StepReply.avsc",
                4, "SagaState.avsc");
        private final InMemorySchemaRegistry current = new InMemorySchemaRegistry();

        static Schema schema(String file) {
            return new Schema.Parser().parse(new String(fixture(file), StandardCharsets.UTF_8));
        }

        @Override
        public int register(String subject, Schema schema) {
            return current.register(subject, schema);
        }

        @Override
        public int lookUp(String subject, Schema schema) {
            return current.lookUp(subject, schema);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return current.latest(subject);
        }

        @Override
        public Schema schemaById(int id) {
            return IDS.containsKey(id) ? schema(IDS.get(id)) : current.schemaById(id);
        }

        @Override
        public void prime(Schema schema) {
            current.prime(schema);
        }
    }
}
