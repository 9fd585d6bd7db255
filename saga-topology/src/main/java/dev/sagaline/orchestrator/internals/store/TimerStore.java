package dev.sagaline.orchestrator.internals.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Due times of sagas, in a section of the {@link SagaIndex} whose keys sort by time: an 8-byte
 * big-endian due time followed by the saga id. Finding what is due is one range scan from the
 * start of time to now, never a scan of every saga. Each saga has at most one entry, at or before
 * its earliest due time ({@link #move}), recorded in its state so the entry can be moved without a search. The index restores
 * with the saga store, so a task start needs no scan of the sagas to find their timers.
 */
public final class TimerStore {

    private static final byte[] PRESENT = new byte[0];

    private final SagaIndex.Section section;
    /**
     * No registration is due before this time: scans start here rather than at time 0, so they do
     * not walk the tombstones of every timer already fired. Kept in memory: a task starts scanning
     * at time 0 (the store holds what it held before), and every put lowers it as needed.
     */
    private long scanFrom = 0;

    TimerStore(SagaIndex.Section section) {
        this.section = section;
    }

    /** Registers {@code sagaId} as due at {@code dueMs}. */
    public void put(long dueMs, String sagaId) {
        section.put(key(dueMs, sagaId), PRESENT);
        scanFrom = Math.min(scanFrom, dueMs);
    }

    /**
     * Registers {@code sagaId}, registered at {@code registeredMs} (or not at all when null), for
     * its next due time {@code nextMs} (none when null), and returns the time it is registered at
     * now.
     *
     * <p>With {@code keepEarlier}, a registration at or before the next due time stays where it
     * is: it fires early, finds nothing due and is moved then. A running saga's due time moves
     * later at every hop (each command's timeout runs from its sending), and most sagas end
     * before their first timeout, so keeping the first registration spares a delete and a put,
     * two changelog records, per hop. A finished saga is due only when its retention ends, so its
     * registration is moved at once rather than fired early for nothing.
     */
    public Long move(String sagaId, Long registeredMs, Long nextMs, boolean keepEarlier) {
        if (registeredMs != null && registeredMs.equals(nextMs)
                || registeredMs != null && nextMs != null && keepEarlier && registeredMs < nextMs) {
            return registeredMs;
        }
        if (registeredMs != null) {
            delete(registeredMs, sagaId);
        }
        if (nextMs != null) {
            put(nextMs, sagaId);
        }
        return nextMs;
    }

    private void delete(long dueMs, String sagaId) {
        section.delete(key(dueMs, sagaId));
    }

    /**
     * Removes and returns up to {@code limit} registrations due at or before {@code nowMs}, earliest
     * first. A registration found late (after a rebalance or a pause) is returned on the next scan
     * and never lost.
     */
    public List<Due> takeDue(long nowMs, int limit) {
        List<Due> due = new ArrayList<>();
        if (scanFrom > nowMs) {
            return due;
        }
        try (KeyValueIterator<Bytes, byte[]> it = section.range(key(scanFrom, ""), key(nowMs + 1, ""))) {
            while (it.hasNext() && due.size() < limit) {
                due.add(decode(it.next().key));
            }
        }
        for (Due d : due) {
            section.delete(key(d.dueMs(), d.sagaId()));
        }
        // everything due up to now was taken, unless the batch filled up: then the rest starts at the last one taken
        scanFrom = due.size() < limit ? nowMs + 1 : due.get(due.size() - 1).dueMs();
        return due;
    }

    /** True when a registration is due at or before {@code nowMs}; one seek, nothing removed. */
    public boolean anyDue(long nowMs) {
        if (scanFrom > nowMs) {
            return false;
        }
        try (KeyValueIterator<Bytes, byte[]> it = section.range(key(scanFrom, ""), key(nowMs + 1, ""))) {
            return it.hasNext();
        }
    }

    /** After the index was emptied: nothing is due until a put. */
    void forgetScanPosition() {
        scanFrom = Long.MAX_VALUE;
    }

    /** A saga due at a time. */
    public record Due(long dueMs, String sagaId) {
    }

    private static byte[] key(long dueMs, String sagaId) {
        byte[] id = sagaId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + id.length).putLong(dueMs).put(id).array();
    }

    private static Due decode(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        long due = buffer.getLong();
        return new Due(due, StandardCharsets.UTF_8.decode(buffer).toString());
    }
}
