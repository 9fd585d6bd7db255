package dev.sagaline.orchestrator.internals.store;

import dev.sagaline.protocol.v1.SagaState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * How many sagas of a task use each definition version ({@code order/3} to a count), in a section
 * of the {@link SagaIndex}, so that a task start can refuse definitions that were removed while
 * instances still need them without decoding every saga. A saga uses its version until its
 * details are purged ({@code compacted}).
 */
public final class VersionsInUse {

    private final SagaIndex.Section section;

    VersionsInUse(SagaIndex.Section section) {
        this.section = section;
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
                section.put(encode(before), encodeCount(left));
            } else {
                section.delete(encode(before));
            }
        }
        if (after != null) {
            section.put(encode(after), encodeCount(count(after) + 1));
        }
    }

    /** The number of sagas using each version, by version key. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = section.range(new byte[0], null)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                counts.put(new String(entry.key.get(), StandardCharsets.UTF_8), decodeCount(entry.value));
            }
        }
        return counts;
    }

    private long count(String key) {
        byte[] count = section.get(encode(key));
        return count == null ? 0 : decodeCount(count);
    }

    private static byte[] encode(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encodeCount(long count) {
        return ByteBuffer.allocate(Long.BYTES).putLong(count).array();
    }

    private static long decodeCount(byte[] count) {
        return ByteBuffer.wrap(count).getLong();
    }
}
