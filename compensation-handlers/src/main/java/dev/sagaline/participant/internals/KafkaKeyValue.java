package dev.sagaline.participant.internals;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** A {@link SortedKeyValue} over a Kafka Streams store, whose writes join the task's transaction. */
final class KafkaKeyValue<V> implements SortedKeyValue<V> {

    private final KeyValueStore<String, V> store;

    KafkaKeyValue(KeyValueStore<String, V> store) {
        this.store = store;
    }

    @Override
    public V get(String key) {
        return store.get(key);
    }

    @Override
    public void put(String key, V value) {
        store.put(key, value);
    }

    @Override
    public void delete(String key) {
        store.delete(key);
    }

    @Override
    public List<String> keysBetween(String from, String to, int limit) {
        // Keys are collected before the caller deletes any, so no delete runs under an open iterator.
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> range = store.range(from, to)) {
            while (keys.size() < limit && range.hasNext()) {
                keys.add(range.next().key);
            }
        }
        return keys;
    }
}
