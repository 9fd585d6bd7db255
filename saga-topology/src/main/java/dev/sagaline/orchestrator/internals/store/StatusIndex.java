package dev.sagaline.orchestrator.internals.store;

import dev.sagaline.protocol.v1.SagaStatus;
import java.nio.charset.StandardCharsets;

/**
 * Sagas by status, in a section of the {@link SagaIndex} whose keys sort by status and then saga
 * id ({@code STUCK/order-17}) and whose values are the saga types. Listing the STUCK sagas is one
 * prefix scan, never a scan of every saga; paging resumes after the last key seen.
 */
public final class StatusIndex {

    /** Separates the status from the saga id in a key; sorts before every character of a status name. */
    public static final char SEPARATOR = '/';

    private final SagaIndex.Section section;

    StatusIndex(SagaIndex.Section section) {
        this.section = section;
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

    /** The saga type an entry's stored value names. */
    public static String sagaTypeOf(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
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
            section.delete(encode(key(before, sagaId)));
        }
        if (after != null) {
            section.put(encode(key(after, sagaId)), sagaType.getBytes(StandardCharsets.UTF_8));
        }
    }

    static byte[] encode(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    static String decode(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
