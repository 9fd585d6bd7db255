package dev.sagaline.participant.internals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A {@link SortedKeyValue} in a {@link TreeMap}, ordered like RocksDB orders the same keys (by
 * their UTF-8 bytes, not by Java's UTF-16 {@code compareTo}), so both stores purge the same range.
 */
final class TreeMapKeyValue<V> implements SortedKeyValue<V> {

    private final TreeMap<String, V> map = new TreeMap<>((a, b) ->
            Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));

    @Override
    public V get(String key) {
        return map.get(key);
    }

    @Override
    public void put(String key, V value) {
        map.put(key, value);
    }

    @Override
    public void delete(String key) {
        map.remove(key);
    }

    @Override
    public List<String> keysBetween(String from, String to, int limit) {
        return map.subMap(from, true, to, true).keySet().stream().limit(limit).collect(Collectors.toCollection(ArrayList::new));
    }
}
