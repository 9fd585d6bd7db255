package dev.sagaline.orchestrator.internals.store;

import dev.sagaline.protocol.v1.SagaStatus;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sagas by status, in a key-value store whose keys sort by status and then saga id
 * ({@code STUCK/order-17}) and whose values are the saga types. Listing the STUCK sagas is one
 * prefix scan, never a scan of every saga; paging resumes after the last key seen. Like the timer
 * store it has a changelog of its own and restores with the saga store.
 */
public final class StatusIndex {

    /** Separates the status from the saga id in a key; sorts before every character of a status name. */
    public static final char SEPARATOR = '/';

    private final KeyValueStore<String, String> store;

    public StatusIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** The index key of a saga in a status. */
    public static String key(SagaStatus status, String sagaId) {
        return status.name() + SEPARATOR + sagaId;
    }

    /** The status part of an index key. */
    public static SagaStatus statusOf(String key) {
        return SagaStatus.valueOf(key.substring(0, key.indexOf(SEPARATOR)));
    }

    /** The saga id part of an index key. */
    public static String sagaIdOf(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }

    /**
     * Moves {@code sagaId} from {@code before} to {@code after}; either may be null (a new saga, a
     * purged one). Writes nothing when the status did not change, which is most records.
     */
    public void move(String sagaId, String sagaType, SagaStatus before, SagaStatus after) {
        if (before == after) {
            return;
        }
        if (before != null) {
            store.delete(key(before, sagaId));
        }
        if (after != null) {
            store.put(key(after, sagaId), sagaType);
        }
    }

    /** Empties the index before the sagas of a store written without it are indexed. */
    public void clear() {
        try (KeyValueIterator<String, String> it = store.all()) {
            while (it.hasNext()) {
                store.delete(it.next().key);
            }
        }
    }
}
