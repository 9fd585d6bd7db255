package dev.sagaline.participant.outbox;

import java.time.Duration;
import java.time.Instant;

/**
 * When rows past their retention are next deleted: at most once a minute, or once per retention
 * if that is shorter, so a busy relay or scheduler does not run the same delete on every pass.
 */
final class PurgeSchedule {

    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final Duration retention;
    private Instant next = Instant.MIN;

    PurgeSchedule(Duration retention) {
        this.retention = retention;
    }

    boolean isDue(Instant now) {
        return !now.isBefore(next);
    }

    /** Records a purge at {@code now}, which puts off the next one. */
    void purged(Instant now) {
        next = now.plus(retention.compareTo(INTERVAL) < 0 ? retention : INTERVAL);
    }
}
