package dev.sagaline.orchestrator.internals.store;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The indexes of a task's saga store, kept together in one key-value store with one changelog:
 * due timers ({@link TimerStore}), sagas by status ({@link StatusIndex}) and the definition
 * versions in use ({@link VersionsInUse}), each in a section of keys that start with its own byte,
 * and the mark that they were built.
 *
 * <p>One store rather than three because every changelog partition a transaction writes to gets a
 * produce batch and a commit marker in every commit, and every store is a RocksDB instance with
 * its own memtables: one store keeps a task's transactions to one index partition, and its
 * operators to one changelog topic.
 */
public final class SagaIndex {

    private static final byte BUILT = 'b';
    private static final byte STATUS = 's';
    private static final byte TIMER = 't';
    private static final byte VERSION = 'v';

    private final KeyValueStore<Bytes, byte[]> store;
    private final TimerStore timers;
    private final StatusIndex statuses;
    private final VersionsInUse versions;

    public SagaIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        this.timers = new TimerStore(new Section(store, TIMER));
        this.statuses = new StatusIndex(new Section(store, STATUS));
        this.versions = new VersionsInUse(new Section(store, VERSION));
    }

    /** The store key of a status index entry ({@link StatusIndex#key}), for a query of the store. */
    public static Bytes statusKey(String statusIndexKey) {
        return prefixed(STATUS, StatusIndex.encode(statusIndexKey));
    }

    /** The status index key ({@code STATUS/sagaId}) of a store key from {@link #statusKey}. */
    public static String statusIndexKeyOf(Bytes storeKey) {
        return StatusIndex.decode(Section.rest(storeKey));
    }

    /** The key just after every status index entry: the upper bound of a query of them all. */
    public static Bytes afterStatuses() {
        return Bytes.wrap(new byte[] {STATUS + 1});
    }

    public TimerStore timers() {
        return timers;
    }

    public StatusIndex statuses() {
        return statuses;
    }

    public VersionsInUse versions() {
        return versions;
    }

    /** Whether the indexes were built for this task's sagas: stores written before they existed hold sagas but no index. */
    public boolean built() {
        return store.get(Bytes.wrap(new byte[] {BUILT})) != null;
    }

    /** Records that the indexes were built; from now on every saga write keeps them. */
    public void markBuilt() {
        store.put(Bytes.wrap(new byte[] {BUILT}), new byte[0]);
    }

    /** Empties every index, the mark included, before they are built. */
    public void clear() {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(store::delete);
        timers.forgetScanPosition();
    }

    private static Bytes prefixed(byte prefix, byte[] rest) {
        byte[] key = new byte[rest.length + 1];
        key[0] = prefix;
        System.arraycopy(rest, 0, key, 1, rest.length);
        return Bytes.wrap(key);
    }

    /** The keys of one index: those that start with its byte. */
    static final class Section {

        private final KeyValueStore<Bytes, byte[]> store;
        private final byte prefix;

        Section(KeyValueStore<Bytes, byte[]> store, byte prefix) {
            this.store = store;
            this.prefix = prefix;
        }

        byte[] get(byte[] key) {
            return store.get(key(key));
        }

        void put(byte[] key, byte[] value) {
            store.put(key(key), value);
        }

        void delete(byte[] key) {
            store.delete(key(key));
        }

        /** The entries from {@code from} (inclusive) to {@code to} (exclusive, or the end of the section when null), keys without the prefix. */
        KeyValueIterator<Bytes, byte[]> range(byte[] from, byte[] to) {
            Bytes end = to == null ? Bytes.wrap(new byte[] {(byte) (prefix + 1)}) : key(to);
            KeyValueIterator<Bytes, byte[]> inner = store.range(key(from), end);
            return new KeyValueIterator<>() {
                private KeyValue<Bytes, byte[]> next = advance();

                private KeyValue<Bytes, byte[]> advance() {
                    while (inner.hasNext()) {
                        KeyValue<Bytes, byte[]> entry = inner.next();
                        // the store's range includes its upper bound
                        if (!entry.key.equals(end)) {
                            return KeyValue.pair(Bytes.wrap(rest(entry.key)), entry.value);
                        }
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public KeyValue<Bytes, byte[]> next() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    KeyValue<Bytes, byte[]> current = next;
                    next = advance();
                    return current;
                }

                @Override
                public Bytes peekNextKey() {
                    if (next == null) {
                        throw new NoSuchElementException();
                    }
                    return next.key;
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }

        Bytes key(byte[] rest) {
            return prefixed(prefix, rest);
        }

        static byte[] rest(Bytes key) {
            byte[] bytes = key.get();
            byte[] rest = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, rest, 0, rest.length);
            return rest;
        }
    }
}
