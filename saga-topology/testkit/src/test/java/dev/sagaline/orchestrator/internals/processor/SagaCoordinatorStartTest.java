package dev.sagaline.orchestrator.internals.processor;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.SIGNUP_V1;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.SIGNUP_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.internals.statemachine.SagaDecider;
import dev.sagaline.orchestrator.internals.statemachine.SagaDecision;
import dev.sagaline.orchestrator.internals.statemachine.StepPolicies;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.orchestrator.internals.store.SagaIndex;
import dev.sagaline.orchestrator.internals.store.TimerStore;
import dev.sagaline.orchestrator.runtime.SagaTopology;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.retry.RetryPolicy;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the coordinator does when a task starts on stores that already hold sagas: it decodes none
 * of them (the timer and status indexes restore with the saga store, from their own changelogs),
 * and it refuses to start when sagas run a definition version that is no longer loaded, naming the
 * version and how many instances run it. Stores written by an orchestrator that kept no index
 * changelogs are indexed once, on the first start.
 *
 * <p>Not two {@code TopologyTestDriver}s sharing a state directory: the driver deletes its task
 * directories on close, and while open it never flushes the RocksDB memtables (the write-ahead log
 * is off), so a second driver cannot see the first one's sagas. Here two coordinators share the
 * stores of one {@link MockProcessorContext}, as a restarted task finds them after restoring.
 */
class SagaCoordinatorStartTest {

    private static final long NOW = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
    private static final StepPolicies POLICIES = new StepPolicies(Duration.ofSeconds(30), RetryPolicy.attempts(3),
            RetryPolicy.untilSuccess(), RetryPolicy.attempts(10), Duration.ofDays(1), Duration.ofDays(7), Duration.ofMinutes(10));

    private final ProtocolSerdes serdes = new ProtocolSerdes(new InMemorySchemaRegistry());
    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    /** Saga states decoded from the saga store. */
    private final AtomicInteger decodes = new AtomicInteger();
    private KeyValueStore<String, SagaState> sagas;
    private KeyValueStore<Bytes, byte[]> index;

    @BeforeEach
    void openStores() {
        context.setCurrentSystemTimeMs(NOW);
        Serde<SagaState> counting = Serdes.serdeFrom(serdes.states().serializer(), (topic, bytes) -> {
            decodes.incrementAndGet();
            return serdes.states().deserializer().deserialize(topic, bytes);
        });
        sagas = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SagaTopology.SAGA_STATE_STORE), Serdes.String(), counting)
                .withLoggingDisabled().build();
        index = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(SagaTopology.INDEX_STORE), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        sagas.init(context.getStateStoreContext(), sagas);
        index.init(context.getStateStoreContext(), index);
        context.addStateStore(sagas);
        context.addStateStore(index);
        context.setCurrentSystemTimeMs(NOW);
    }

    @Test
    void startsWithoutDecodingTheSagasItHolds() {
        SagaCoordinator first = coordinator(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2));
        first.init(context);
        start(first, "s-1", 1, "s-2", 2, "s-3", 1);
        replySucceeded(first, "s-3");
        assertThat(sagas.get("s-3").getStatus()).isEqualTo(SagaStatus.COMPLETED);
        decodes.set(0);

        SagaCoordinator restarted = coordinator(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2));
        restarted.init(context);

        assertThat(decodes).as("sagas decoded while the task started").hasValue(0);
        assertThat(context.scheduledPunctuators()).hasSize(2);
    }

    @Test
    void refusesToStartWhileSagasItStartedRunAVersionThatIsNoLongerLoaded() {
        SagaCoordinator first = coordinator(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2));
        first.init(context);
        start(first, "s-1", 1, "s-2", 1, "s-3", 2, "s-4", 1);
        replySucceeded(first, "s-4");

        SagaCoordinator restarted = coordinator(SagaDefinitions.of(SIGNUP_V2));

        assertThatThrownBy(() -> restarted.init(context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("saga 'signup' version 1 (3 instances running)")
                .hasMessageNotContaining("version 2");
    }

    @Test
    void refusesToStartWhileInstancesRunAVersionThatIsNoLongerLoaded() {
        storeUnindexed(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2), "s-1", 1, "s-2", 1, "s-3", 2);

        SagaCoordinator restarted = coordinator(SagaDefinitions.of(SIGNUP_V2));

        assertThatThrownBy(() -> restarted.init(context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("refusing to start: definitions still in use were removed: ")
                .hasMessageContaining("saga 'signup' version 1 (2 instances running)")
                .hasMessageNotContaining("version 2")
                .hasMessageEndingWith("load these versions again until their instances finish");
        assertThat(context.scheduledPunctuators()).isEmpty();
    }

    @Test
    void startsWhenEveryVersionStillRunningIsLoaded() {
        storeUnindexed(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2), "s-1", 1, "s-3", 2);

        SagaCoordinator restarted = coordinator(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2));

        assertThatCode(() -> restarted.init(context)).doesNotThrowAnyException();
        assertThat(context.scheduledPunctuators()).hasSize(1);
    }

    @Test
    void indexesSagasStoredWithoutIndexesOnceOnTheFirstStart() {
        storeUnindexed(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2), "s-1", 1, "s-3", 2);

        coordinator(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2)).init(context);
        assertThat(decodes).as("sagas decoded by the first start").hasValue(2);
        decodes.set(0);
        coordinator(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2)).init(context);

        assertThat(decodes).as("sagas decoded by the second start").hasValue(0);
        assertThat(new SagaIndex(index).timers().takeDue(Long.MAX_VALUE, 10)).extracting(TimerStore.Due::sagaId)
                .containsExactlyInAnyOrder("s-1", "s-3");
    }

    /**
     * Stores the state of sagas (id, version pairs) as an orchestrator that rebuilt its indexes at
     * every start left them: in the saga store alone.
     */
    private void storeUnindexed(SagaDefinitions definitions, Object... idsAndVersions) {
        SagaDecider before = new SagaDecider(definitions, POLICIES, "replies");
        for (int i = 0; i < idsAndVersions.length; i += 2) {
            String sagaId = (String) idsAndVersions[i];
            SagaDecision started = before.onRequest(sagaId, startRequest(sagaId, (Integer) idsAndVersions[i + 1]), null, NOW);
            started.state().setTimerMs(Instant.ofEpochMilli(started.nextDue()));
            sagas.put(sagaId, started.state());
        }
    }

    /** Starts sagas (id, version pairs) through {@code coordinator}. */
    private void start(SagaCoordinator coordinator, Object... idsAndVersions) {
        for (int i = 0; i < idsAndVersions.length; i += 2) {
            String sagaId = (String) idsAndVersions[i];
            coordinator.process(new Record<>(sagaId, startRequest(sagaId, (Integer) idsAndVersions[i + 1]), NOW));
        }
    }

    /** Answers the last command sent for {@code sagaId} with success. */
    private void replySucceeded(SagaCoordinator coordinator, String sagaId) {
        StepCommand command = context.forwarded(TopologyNames.COMMANDS_SINK).stream()
                .map(forward -> forward.record().value())
                .filter(value -> value instanceof StepCommand c && c.getSagaId().equals(sagaId))
                .map(StepCommand.class::cast)
                .reduce((first, last) -> last).orElseThrow();
        StepReply reply = StepReply.newBuilder().setCommandId(command.getCommandId()).setSagaId(sagaId).setStep(command.getStep())
                .setAction(command.getAction()).setAttempt(command.getAttempt()).setOutcome(StepOutcome.SUCCEEDED)
                .setRepliedAtMs(Instant.ofEpochMilli(NOW)).build();
        coordinator.process(new Record<>(sagaId, reply, NOW));
    }

    private static SagaRequest startRequest(String sagaId, int version) {
        return SagaRequest.newBuilder().setSagaId(sagaId)
                .setBody(StartSaga.newBuilder().setSagaType("signup").setDefinitionVersion(version).build()).build();
    }

    private static SagaCoordinator coordinator(SagaDefinitions definitions) {
        return new SagaCoordinator(new SagaDecider(definitions, POLICIES, "replies"), Duration.ofMillis(100), 100, 1_000_000,
                new SagaMetrics(new SimpleMeterRegistry()));
    }
}
