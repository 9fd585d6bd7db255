package dev.sagaline.orchestrator.internals.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A saga's one timer registration: kept at an earlier time while the saga runs and is due later,
 * moved when it is due sooner, when it finishes, or when nothing is due.
 */
class TimerStoreTest {

    private TimerStore timers;

    @BeforeEach
    void openStore() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("index"), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        timers = new SagaIndex(store).timers();
    }

    @Test
    void keepsARunningSagasEarlierRegistrationWhenItIsDueLater() {
        assertThat(timers.move("o-1", null, 1_000L, true)).isEqualTo(1_000L);

        assertThat(timers.move("o-1", 1_000L, 4_000L, true)).isEqualTo(1_000L);

        assertThat(timers.takeDue(Long.MAX_VALUE - 1, 10)).containsExactly(new TimerStore.Due(1_000, "o-1"));
    }

    @Test
    void movesTheRegistrationWhenTheSagaIsDueSooner() {
        timers.move("o-1", null, 4_000L, true);

        assertThat(timers.move("o-1", 4_000L, 2_000L, true)).isEqualTo(2_000L);

        assertThat(timers.takeDue(Long.MAX_VALUE - 1, 10)).containsExactly(new TimerStore.Due(2_000, "o-1"));
    }

    @Test
    void movesAFinishedSagasRegistrationToItsPurgeTimeAtOnce() {
        timers.move("o-1", null, 1_000L, true);

        assertThat(timers.move("o-1", 1_000L, 86_400_000L, false)).isEqualTo(86_400_000L);

        assertThat(timers.takeDue(Long.MAX_VALUE - 1, 10)).containsExactly(new TimerStore.Due(86_400_000L, "o-1"));
    }

    @Test
    void removesTheRegistrationWhenNothingIsDue() {
        timers.move("o-1", null, 1_000L, true);

        assertThat(timers.move("o-1", 1_000L, null, true)).isNull();

        assertThat(timers.anyDue(Long.MAX_VALUE - 1)).isFalse();
    }
}
