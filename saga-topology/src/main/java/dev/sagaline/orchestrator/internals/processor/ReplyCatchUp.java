package dev.sagaline.orchestrator.internals.processor;

/**
 * How far, in wall-clock time, one task has read its reply partition, so that a step timeout
 * means "the participant did not answer in time" and not "the orchestrator had not read the
 * answer yet" (a backlog, a pause, a restart that lasted longer than the timeout).
 *
 * <p>A timeout due at D may only fire once every reply appended to the partition before D has been
 * processed. The task learns that by appending a {@link ReplyTick} stamped with the wall clock to
 * its own reply partition and reading it back: a partition is read in order, so when the tick
 * stamped T is read, everything appended before T has been. A tick goes out only while some timer
 * is due and no tick is on its way; one lost with an aborted transaction is sent again after
 * {@link #RESEND_AFTER_MS}. A task that has just started has read nothing, so its timers wait for
 * the first tick, behind whatever backlog the partition holds.
 */
final class ReplyCatchUp {

    /** How long a tick may take to come back before another is sent. */
    static final long RESEND_AFTER_MS = 5_000;

    private long readUpTo = Long.MIN_VALUE;
    private long tickSentAt = -1;

    /** The wall-clock time up to which every reply appended to the partition has been processed. */
    long readUpTo() {
        return readUpTo;
    }

    /** Whether to send a tick now, timers being due beyond {@link #readUpTo()}. */
    boolean needsTick(long now) {
        return tickSentAt < 0 || now - tickSentAt >= RESEND_AFTER_MS;
    }

    void tickSent(long now) {
        tickSentAt = now;
    }

    /** A tick stamped {@code stampedAt} was read back from the reply partition. */
    void tickRead(long stampedAt) {
        readUpTo = Math.max(readUpTo, stampedAt);
        if (stampedAt >= tickSentAt) {
            tickSentAt = -1;
        }
    }
}
