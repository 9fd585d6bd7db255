package dev.sagaline.participant.internals;

import java.util.List;

/**
 * The few operations {@link IndexedProcessedCommandStore} needs from a map with string keys
 * ordered by their UTF-8 bytes, so the same store logic runs over a Kafka Streams
 * {@code KeyValueStore} and over a plain in-memory map.
 *
 * @param <V> the value type
 */
interface SortedKeyValue<V> {

    V get(String key);

    void put(String key, V value);

    void delete(String key);

    /** The first {@code limit} keys from {@code from} to {@code to}, both inclusive, in key order. */
    List<String> keysBetween(String from, String to, int limit);
}
