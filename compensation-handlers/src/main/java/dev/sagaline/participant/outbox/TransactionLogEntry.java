package dev.sagaline.participant.outbox;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One outbound action in the {@link TransactionLog}, as stored: what to do, and how far retrying
 * it has got.
 *
 * @param id the action's unique id, also the idempotency key the action should use
 * @param kind what sort of action it is, for the {@link Action} to switch on (for example
 *     {@code "publish-order-created"} or {@code "refund-payment"})
 * @param payload what the action needs, in the service's own encoding; may be null
 * @param status {@link Status#PENDING} until it is done or given up
 * @param attempts how many times the action has run
 * @param nextAttemptAt when a PENDING entry is due; for DONE and FAILED entries, the time the
 *     last attempt was scheduled for
 * @param lastError why the last attempt did not succeed, or why the entry was given up; null
 *     before the first failure and once done
 * @param createdAt when the entry was recorded
 * @param updatedAt when the entry last changed
 */
public record TransactionLogEntry(String id, String kind, byte[] payload, Status status, int attempts,
        Instant nextAttemptAt, String lastError, Instant createdAt, Instant updatedAt) {

    /** The longest id the transaction log table holds. */
    public static final int MAX_ID_LENGTH = 200;
    /** The longest kind the transaction log table holds. */
    public static final int MAX_KIND_LENGTH = 200;
    /** Longer error texts are cut to this many characters. */
    public static final int MAX_ERROR_LENGTH = 2000;

    /** Where an entry is in its life; stored by name. */
    public enum Status {
        /** Waiting for its next attempt at {@code nextAttemptAt}. */
        PENDING,
        /** The action succeeded; it is not run again. */
        DONE,
        /** Given up (by the action, or after the last allowed attempt); kept with its reason until requeued. */
        FAILED
    }

    public TransactionLogEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        payload = payload == null ? null : payload.clone();
    }

    /** A copy of the payload bytes, so the entry stays immutable. */
    @Override
    public byte[] payload() {
        return payload == null ? null : payload.clone();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof TransactionLogEntry)) {
            return false;
        }
        TransactionLogEntry that = (TransactionLogEntry) other;
        return id.equals(that.id) && kind.equals(that.kind) && Arrays.equals(payload, that.payload)
                && status == that.status && attempts == that.attempts && nextAttemptAt.equals(that.nextAttemptAt)
                && Objects.equals(lastError, that.lastError) && Objects.equals(createdAt, that.createdAt)
                && Objects.equals(updatedAt, that.updatedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, kind, Arrays.hashCode(payload), status, attempts, nextAttemptAt, lastError, createdAt, updatedAt);
    }

    /** Shows the payload's size, not its bytes. */
    @Override
    public String toString() {
        return "TransactionLogEntry[id=" + id + ", kind=" + kind + ", payload="
                + (payload == null ? "null" : payload.length + " bytes") + ", status=" + status + ", attempts=" + attempts
                + ", nextAttemptAt=" + nextAttemptAt + ", lastError=" + lastError + ", createdAt=" + createdAt
                + ", updatedAt=" + updatedAt + "]";
    }
}
