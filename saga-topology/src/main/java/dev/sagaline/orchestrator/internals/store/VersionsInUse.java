package dev.sagaline.orchestrator.internals.store;

import dev.sagaline.protocol.v1.SagaState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How many sagas of a task use each definition version ({@code order/3} to a count), so that a
 * task start can refuse definitions that were removed while instances still need them without
 * decoding every saga. A saga uses its version until its details are purged ({@code compacted}).
 *
 * <p>The store also records that the task's indexes (this one, the timers and the status index)
 * were built: stores written before the indexes had changelogs hold sagas but no index, and are
 * indexed once, on their first start.
 */
public final class VersionsInUse {

    /** The key that marks the indexes as built; it has no {@code /}, which every version key has. */
    private static final String BUILT = "indexes-built";

    private final KeyValueStore<String, Long> store;

    public VersionsInUse(KeyValueStore<String, Long> store) {
        this.store = store;
    }

    /** The version key of a saga that still uses its definition, or null once its details were purged. */
    public static String of(SagaState state) {
        return state == null || state.getCompacted() ? null : key(state.getSagaType(), state.getDefinitionVersion());
    }

    /** The key of a definition version. */
    public static String key(String sagaType, int version) {
        return sagaType + '/' + version;
    }

    /** Moves one saga from the version {@code before} to {@code after}; either may be null. Writes nothing when they are equal. */
    public void move(String before, String after) {
        if (before == null ? after == null : before.equals(after)) {
            return;
        }
        if (before != null) {
            long left = count(before) - 1;
            if (left > 0) {
                store.put(before, left);
            } else {
                store.delete(before);
            }
        }
        if (after != null) {
            store.put(after, count(after) + 1);
        }
    }

    /** The number of sagas using each version, by version key. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> entry = it.next();
                if (!entry.key.equals(BUILT)) {
                    counts.put(entry.key, entry.value);
                }
            }
        }
        return counts;
    }

    /** Whether the indexes were built for this task's sagas. */
    public boolean indexesBuilt() {
        return store.get(BUILT) != null;
    }

    /** Records that the indexes were built; from now on every saga write keeps them. */
    public void markIndexesBuilt() {
        store.put(BUILT, 1L);
    }

    /** Empties the store, the mark included, before the indexes are built. */
    public void clear() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(store::delete);
    }

    private long count(String key) {
        Long count = store.get(key);
        return count == null ? 0 : count;
    }
}
