package dev.sagaline.orchestrator.internals.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.sagaline.protocol.v1.SagaStatus;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The three indexes share one store: each reads and scans only its own section, whatever the
 * others hold beside it.
 */
class SagaIndexTest {

    private KeyValueStore<Bytes, byte[]> store;
    private SagaIndex index;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("index"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        index = new SagaIndex(store);
    }

    @Test
    void countsTheVersionsInUseWithoutSeeingTheOtherIndexesEntries() {
        index.versions().move(null, "order/1");
        index.versions().move(null, "order/1");
        index.versions().move(null, "signup/2");
        index.statuses().move("o-1", "order", null, SagaStatus.RUNNING);
        index.timers().put(5_000, "o-1");
        index.markBuilt();

        assertThat(index.versions().counts()).containsExactly(entry("order/1", 2L), entry("signup/2", 1L));
    }

    @Test
    void takesOnlyTimersDueByNowWhateverTheOtherIndexesHold() {
        index.statuses().move("o-1", "order", null, SagaStatus.RUNNING);
        index.versions().move(null, "order/1");
        index.timers().put(1_000, "o-1");
        index.timers().put(9_000, "o-2");

        assertThat(index.timers().anyDue(5_000)).isTrue();
        assertThat(index.timers().takeDue(5_000, 10)).containsExactly(new TimerStore.Due(1_000, "o-1"));
        assertThat(index.timers().anyDue(5_000)).isFalse();
        assertThat(index.timers().takeDue(Long.MAX_VALUE - 1, 10)).containsExactly(new TimerStore.Due(9_000, "o-2"));
    }

    @Test
    void listsStatusEntriesByTheirIndexKeyBetweenTheStatusBounds() {
        index.timers().put(1_000, "o-9");
        index.statuses().move("o-1", "order", null, SagaStatus.RUNNING);
        index.statuses().move("o-2", "order", null, SagaStatus.RUNNING);
        index.statuses().move("o-1", "order", SagaStatus.RUNNING, SagaStatus.STUCK);

        List<String> listed = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(SagaIndex.statusKey(""), SagaIndex.afterStatuses())) {
            it.forEachRemaining(entry -> listed.add(SagaIndex.statusIndexKeyOf(entry.key) + "=" + StatusIndex.sagaTypeOf(entry.value)));
        }

        assertThat(listed).containsExactly("RUNNING/o-2=order", "STUCK/o-1=order");
    }

    @Test
    void clearRemovesEveryIndexAndTheMarkThatTheyWereBuilt() {
        index.timers().put(1_000, "o-1");
        index.statuses().move("o-1", "order", null, SagaStatus.RUNNING);
        index.versions().move(null, "order/1");
        index.markBuilt();

        index.clear();

        assertThat(index.built()).isFalse();
        assertThat(store.approximateNumEntries()).isZero();
        assertThat(index.timers().anyDue(Long.MAX_VALUE - 1)).isFalse();
    }
}
