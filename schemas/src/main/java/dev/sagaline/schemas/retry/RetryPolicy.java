package dev.sagaline.schemas.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how fast an action is retried: up to {@code maxAttempts} attempts in all, waiting
 * {@code initialBackoff * multiplier^(n-1)} (at most {@code maxBackoff}) before attempt n+1, less
 * up to {@code jitter} of that wait, so that many actions failing together (a downstream outage)
 * do not retry together.
 *
 * <p>One type for the orchestrator's steps and compensations and for the participant's
 * transaction log. The caller chooses where the jitter comes from: the orchestrator derives it
 * from the command id, so replaying a saga after a crash schedules the same retries; the retry
 * scheduler draws it at random.
 *
 * <pre>{@code
 * RetryPolicy.attempts(8).withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5)).withJitter(0.5)
 * }</pre>
 *
 * @param maxAttempts attempts in all, at least 1; {@link #UNLIMITED} for "until it succeeds"
 * @param initialBackoff wait before the second attempt, not negative
 * @param multiplier growth of the wait per attempt, a finite number of at least 1
 * @param maxBackoff the longest wait, not less than initialBackoff
 * @param jitter fraction of the wait taken off at random, from 0 to 1
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff, double jitter) {

    /** Retries forever. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative, was " + initialBackoff);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number of at least 1, was " + multiplier);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " must not be less than initialBackoff " + initialBackoff);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
    }

    /** {@code maxAttempts} attempts, one second apart at first, doubling up to a minute, with 20% jitter. */
    public static RetryPolicy attempts(int maxAttempts) {
        return new RetryPolicy(maxAttempts, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 0.2);
    }

    /** Retries until the action succeeds, with the backoff of {@link #attempts(int)}. */
    public static RetryPolicy untilSuccess() {
        return attempts(UNLIMITED);
    }

    /** A copy allowing {@code maxAttempts} attempts in all. */
    public RetryPolicy withMaxAttempts(int maxAttempts) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter);
    }

    /** A copy waiting {@code initial} before the second attempt, growing by {@code multiplier} per attempt up to {@code max}. */
    public RetryPolicy withBackoff(Duration initial, double multiplier, Duration max) {
        return new RetryPolicy(maxAttempts, initial, multiplier, max, jitter);
    }

    /** A copy taking off up to {@code jitter} (0 to 1) of each wait. */
    public RetryPolicy withJitter(double jitter) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter);
    }

    /**
     * The wait before the attempt after {@code attemptsMade} attempts of this budget.
     *
     * @param spread a value in [0, 1) scaling the jitter: derived from the command id, or drawn at random
     */
    public Duration backoffAfter(int attemptsMade, double spread) {
        // In double millis, so that a large attempt count saturates at maxBackoff instead of overflowing.
        double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attemptsMade - 1));
        double capped = Math.min(base, maxBackoff.toMillis());
        double jittered = capped * (1.0 - jitter * spread);
        return Duration.ofMillis(Math.max(0L, Math.round(jittered)));
    }

    /** True when another attempt is allowed after {@code attemptsMade} attempts of this budget. */
    public boolean allowsAnotherAfter(int attemptsMade) {
        return attemptsMade < maxAttempts;
    }
}
