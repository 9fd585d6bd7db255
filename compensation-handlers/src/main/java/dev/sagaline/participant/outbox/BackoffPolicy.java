package dev.sagaline.participant.outbox;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How the {@link RetryScheduler} spaces the attempts of a transaction log entry: exponential
 * delays with jitter, up to a maximum number of attempts.
 *
 * <p>The delay after attempt {@code n} is {@code initialDelay * multiplier^(n-1)}, capped at
 * {@code maxDelay}, minus a random part of up to {@code jitter} of it, so that entries that
 * failed together (a downstream outage) do not all retry at the same instant.
 *
 * <pre>{@code
 * BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5)).withMaxAttempts(8).withJitter(0.5)
 * }</pre>
 *
 * @param maxAttempts how many attempts in all before the entry is FAILED; at least 1
 * @param initialDelay the delay after the first attempt; positive
 * @param maxDelay the longest delay; at least {@code initialDelay}
 * @param multiplier the growth factor between delays; at least 1
 * @param jitter the largest fraction of a delay taken off at random, 0 (none) to 1
 */
public record BackoffPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier, double jitter) {

    /** Default for {@link #maxAttempts()} in {@link #exponential(Duration, Duration)}. */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;

    public BackoffPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("backoff maxAttempts must be at least 1, not " + maxAttempts);
        }
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("backoff initialDelay must be positive, not " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("backoff maxDelay " + maxDelay + " must not be shorter than initialDelay " + initialDelay);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("backoff multiplier must be a finite number of at least 1, not " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("backoff jitter must be between 0 and 1, not " + jitter);
        }
    }

    /** Delays doubling from {@code initialDelay} up to {@code maxDelay}, {@value #DEFAULT_MAX_ATTEMPTS} attempts, 20% jitter. */
    public static BackoffPolicy exponential(Duration initialDelay, Duration maxDelay) {
        return new BackoffPolicy(DEFAULT_MAX_ATTEMPTS, initialDelay, maxDelay, 2.0, 0.2);
    }

    /** A copy allowing {@code maxAttempts} attempts in all. */
    public BackoffPolicy withMaxAttempts(int maxAttempts) {
        return new BackoffPolicy(maxAttempts, initialDelay, maxDelay, multiplier, jitter);
    }

    /** A copy whose delays grow by {@code multiplier} per attempt. */
    public BackoffPolicy withMultiplier(double multiplier) {
        return new BackoffPolicy(maxAttempts, initialDelay, maxDelay, multiplier, jitter);
    }

    /** A copy taking off up to {@code jitter} (0 to 1) of each delay at random. */
    public BackoffPolicy withJitter(double jitter) {
        return new BackoffPolicy(maxAttempts, initialDelay, maxDelay, multiplier, jitter);
    }

    /**
     * The pause before the next attempt, after {@code attempts} attempts have failed.
     *
     * @param attempts at least 1
     * @param random draws the jitter
     */
    public Duration delayAfter(int attempts, RandomGenerator random) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
        }
        // In double millis, so that a large attempt count saturates at maxDelay instead of overflowing.
        double exponential = initialDelay.toMillis() * Math.pow(multiplier, attempts - 1);
        double capped = Math.min(exponential, maxDelay.toMillis());
        double jittered = capped * (1 - jitter * random.nextDouble());
        return Duration.ofMillis(Math.max(1, Math.round(jittered)));
    }
}
