package dev.sagaline.orchestrator.internals.processor;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.SIGNUP_V1;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.SIGNUP_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.orchestrator.definition.RetryPolicy;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.internals.statemachine.SagaDecider;
import dev.sagaline.orchestrator.internals.statemachine.StepPolicies;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.orchestrator.runtime.SagaTopology;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator refuses to start when its saga store holds instances of a definition version
 * that is no longer loaded, naming the version and how many instances run it: the store as an
 * orchestrator restarted with other definitions finds it.
 *
 * <p>Not two {@code TopologyTestDriver}s sharing a state directory: the driver deletes its task
 * directories on close, and while open it never flushes the RocksDB memtables (the write-ahead log
 * is off), so a second driver cannot see the first one's sagas.
 */
class SagaCoordinatorVersionsTest {

    private static final long NOW = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
    private static final StepPolicies POLICIES = new StepPolicies(Duration.ofSeconds(30), RetryPolicy.attempts(3),
            RetryPolicy.untilSuccess(), RetryPolicy.attempts(10), Duration.ofDays(1), Duration.ofDays(7), Duration.ofMinutes(10));

    private final ProtocolSerdes serdes = new ProtocolSerdes(new InMemorySchemaRegistry());
    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private KeyValueStore<String, SagaState> sagas;

    @BeforeEach
    void openStores() {
        context.setCurrentSystemTimeMs(NOW);
        sagas = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SagaTopology.SAGA_STATE_STORE), Serdes.String(), serdes.states())
                .withLoggingDisabled().build();
        KeyValueStore<Bytes, byte[]> timers = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(SagaTopology.TIMER_STORE), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        sagas.init(context.getStateStoreContext(), sagas);
        timers.init(context.getStateStoreContext(), timers);
        context.addStateStore(sagas);
        context.addStateStore(timers);
        KeyValueStore<String, String> statuses = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(SagaTopology.STATUS_INDEX_STORE), Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        statuses.init(context.getStateStoreContext(), statuses);
        context.addStateStore(statuses);
    }

    @Test
    void refusesToStartWhileInstancesRunAVersionThatIsNoLongerLoaded() {
        runBefore(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2), "s-1", 1, "s-2", 1, "s-3", 2);

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
        runBefore(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2), "s-1", 1, "s-3", 2);

        SagaCoordinator restarted = coordinator(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2));

        assertThatCode(() -> restarted.init(context)).doesNotThrowAnyException();
        assertThat(context.scheduledPunctuators()).hasSize(1);
    }

    /** Stores the state of sagas (id, version pairs) started by a coordinator running {@code definitions}. */
    private void runBefore(SagaDefinitions definitions, Object... idsAndVersions) {
        SagaDecider before = new SagaDecider(definitions, POLICIES, "replies");
        for (int i = 0; i < idsAndVersions.length; i += 2) {
            String sagaId = (String) idsAndVersions[i];
            SagaRequest start = SagaRequest.newBuilder().setSagaId(sagaId)
                    .setBody(StartSaga.newBuilder().setSagaType("signup").setDefinitionVersion((Integer) idsAndVersions[i + 1]).build()).build();
            sagas.put(sagaId, before.onRequest(sagaId, start, null, NOW).state());
        }
    }

    private static SagaCoordinator coordinator(SagaDefinitions definitions) {
        return new SagaCoordinator(new SagaDecider(definitions, POLICIES, "replies"), Duration.ofMillis(100), 100, 1_000_000,
                new SagaMetrics(new SimpleMeterRegistry()));
    }
}
