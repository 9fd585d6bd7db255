package dev.sagaline.participant.outbox;

import dev.sagaline.participant.outbox.TransactionLog.Claim;
import dev.sagaline.participant.outbox.TransactionLogEntry.Status;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the due PENDING entries of a {@link TransactionLog} through an {@link Action} and records
 * each outcome: DONE; PENDING again after a {@link RetryPolicy} delay; or FAILED with the
 * reason, when the action gives up or the last allowed attempt fails. Nothing is dropped: a
 * FAILED entry stays in the table for an operator to {@linkplain TransactionLog#requeue(String)
 * requeue}.
 *
 * <pre>{@code
 * try (RetryScheduler scheduler = RetryScheduler.builder()
 *         .transactionLog(transactionLog)
 *         .action(entry -> switch (entry.kind()) {
 *             case "publish-order-created" -> publish(entry);   // returns an ActionResult
 *             default -> ActionResult.giveUp("no action for kind " + entry.kind());
 *         })
 *         .backoff(RetryPolicy.attempts(8).withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5)))
 *         .build()
 *         .start()) {
 *     awaitShutdown();
 * }
 * }</pre>
 *
 * <p><b>Several schedulers may run on one table</b> (one per service replica). Each claims one
 * due entry at a time with {@code SELECT ... FOR UPDATE SKIP LOCKED} and takes a {@linkplain
 * Builder#lease(Duration) lease} on it: its due time moves to the end of the lease and
 * {@code lease_owner} names the claim. No other scheduler takes the entry while the lease lasts;
 * the outcome is recorded only under the lease that ran the action.
 *
 * <p><b>At least once.</b> The outcome is written after the action returns, so a scheduler that
 * dies in between (or hangs past its lease) leaves the entry to be taken over when the lease runs
 * out, and its action runs again. That abandoned attempt counts towards the allowed attempts, so
 * an action that crashes its process every time ends FAILED too. Actions run outside any
 * database transaction, one at a time, on the scheduler's thread. Time comes from the transaction
 * log's clock: {@link #runDue()} with a clock moved forward is how tests step through retries and
 * leases without sleeping.
 */
public final class RetryScheduler implements AutoCloseable {

    /** Default for {@link Builder#batchSize(int)}. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** Default for {@link Builder#pollInterval(Duration)}. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** Default for {@link Builder#lease(Duration)}. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
    /** Default for {@link Builder#doneRetention(Duration)}. */
    public static final Duration DEFAULT_DONE_RETENTION = Duration.ofDays(1);

    private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final String OWNER = "retry scheduler";
    // An entry is never due again at the instant it failed, even with no backoff at all.
    private static final Duration MIN_DELAY = Duration.ofMillis(1);

    private final TransactionLog transactionLog;
    private final Action action;
    private final RetryPolicy backoff;
    private final int batchSize;
    private final Duration doneRetention;
    private final PurgeSchedule purges;
    private final RandomGenerator random;
    private final Clock clock;
    private final Duration lease;
    private final String schedulerId;

    private final PassLoop loop;

    private long claims;

    private RetryScheduler(Builder builder) {
        this.transactionLog = builder.transactionLog;
        this.action = builder.action;
        this.backoff = builder.backoff;
        this.batchSize = builder.batchSize;
        this.doneRetention = builder.doneRetention;
        this.purges = new PurgeSchedule(doneRetention);
        this.random = builder.random;
        this.clock = transactionLog.clock();
        this.lease = builder.lease;
        this.schedulerId = builder.schedulerId;
        this.loop = new PassLoop(OWNER, transactionLog.table(), builder.pollInterval, batchSize, this::runBatch, log,
                "Running due entries of transaction log table " + transactionLog.table());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts running due entries on a thread of its own ({@code sagaline-retry-scheduler-<table>}),
     * once per poll interval, and straight away again while passes come back full.
     *
     * @return this scheduler
     * @throws IllegalStateException if it was started or closed before
     */
    public RetryScheduler start() {
        loop.start();
        return this;
    }

    /**
     * Runs up to a batch of the entries due at the clock's time, on the calling thread, and
     * records their outcomes; then deletes DONE entries older than the retention, at most once a
     * minute. Passes never overlap.
     *
     * @return how many actions ran
     * @throws OutboxException when the database fails; outcomes recorded before stay recorded
     * @throws IllegalStateException if the scheduler is closed
     */
    public int runDue() {
        return loop.runNow();
    }

    /** Stops the thread after the current pass. Idempotent. */
    @Override
    public void close() {
        loop.close(CLOSE_TIMEOUT);
    }

    private int runBatch() {
        int ran = 0;
        while (ran < batchSize && !loop.isClosed()) {
            Instant now = clock.instant();
            String owner = schedulerId + "#" + (++claims);
            Optional<Claim> claim = transactionLog.claimNext(now, now.plus(lease), owner);
            if (claim.isEmpty()) {
                break;
            }
            attempt(claim.get(), owner);
            ran++;
        }
        purgeIfDue();
        return ran;
    }

    private void attempt(Claim claim, String owner) {
        TransactionLogEntry entry = claim.entry();
        if (claim.abandonedBy() != null) {
            entry = countAbandonedAttempt(entry, claim.abandonedBy());
            if (entry.attempts() >= backoff.maxAttempts()) {
                log.warn("Transaction log entry {} ({}): {}; that was its last allowed attempt", entry.id(), entry.kind(),
                        entry.lastError());
                record(entry, owner, transactionLog.settle(entry.id(), owner, Status.FAILED, entry.attempts(),
                        clock.instant(), "gave up after " + entry.attempts() + " attempts; last error: " + entry.lastError()));
                return;
            }
            log.warn("Transaction log entry {} ({}): {}; running it again", entry.id(), entry.kind(), entry.lastError());
        }
        ActionResult result = run(entry);
        int attempts = entry.attempts() + 1;
        Instant now = clock.instant();
        boolean recorded = switch (result.decision()) {
            case DONE -> transactionLog.settle(entry.id(), owner, Status.DONE, attempts, now, null);
            case GIVE_UP -> {
                log.warn("Transaction log entry {} ({}) given up after attempt {}: {}", entry.id(), entry.kind(), attempts,
                        result.reason());
                yield transactionLog.settle(entry.id(), owner, Status.FAILED, attempts, now, result.reason());
            }
            case RETRY -> retryLater(entry, owner, attempts, now, result.reason());
        };
        record(entry, owner, recorded);
    }

    /**
     * The entry as the next attempt sees it when the attempt before never reported back: its
     * scheduler died or hung past the lease. That attempt counts, so an action that kills its
     * process every time is still parked after the allowed attempts instead of looping forever.
     */
    private TransactionLogEntry countAbandonedAttempt(TransactionLogEntry entry, String abandonedBy) {
        int attempts = entry.attempts() + 1;
        String reason = "attempt " + attempts + " did not finish: its scheduler (" + abandonedBy
                + ") stopped or hung before recording an outcome, and its lease ran out";
        return new TransactionLogEntry(entry.id(), entry.kind(), entry.payload(), entry.status(), attempts,
                entry.nextAttemptAt(), reason, entry.createdAt(), entry.updatedAt());
    }

    private static void record(TransactionLogEntry entry, String owner, boolean recorded) {
        if (!recorded) {
            log.info("Transaction log entry {} was taken from lease {} while its action ran (the lease ran out and another "
                    + "scheduler took it, or it was requeued); the outcome of this attempt was not recorded", entry.id(), owner);
        }
    }

    private boolean retryLater(TransactionLogEntry entry, String owner, int attempts, Instant now, String reason) {
        if (attempts >= backoff.maxAttempts()) {
            log.warn("Transaction log entry {} ({}) failed its last allowed attempt ({}): {}", entry.id(), entry.kind(),
                    attempts, reason);
            return transactionLog.settle(entry.id(), owner, Status.FAILED, attempts, now,
                    "gave up after " + attempts + " attempts; last error: " + reason);
        }
        Duration delay = max(MIN_DELAY, backoff.backoffAfter(attempts, random.nextDouble()));
        log.debug("Transaction log entry {} ({}) attempt {} failed, next in {}: {}", entry.id(), entry.kind(), attempts, delay,
                reason);
        return transactionLog.settle(entry.id(), owner, Status.PENDING, attempts, now.plus(delay), reason);
    }

    /** Calls the action; an exception, or a null result, counts as a reason to retry. */
    private ActionResult run(TransactionLogEntry entry) {
        try {
            ActionResult result = action.run(entry);
            return result != null ? result
                    : ActionResult.retry("the action returned null; return ActionResult.done(), retry(...) or giveUp(...)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ActionResult.retry("interrupted: " + e);
        } catch (Exception e) {
            log.debug("The action for transaction log entry {} threw", entry.id(), e);
            return ActionResult.retry(e.toString());
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private void purgeIfDue() {
        Instant now = clock.instant();
        if (!purges.isDue(now)) {
            return;
        }
        transactionLog.purgeDone(now.minus(doneRetention));
        purges.purged(now);
    }

    /** Configures a {@link RetryScheduler}; the transaction log and the action are required. */
    public static final class Builder {

        private TransactionLog transactionLog;
        private Action action;
        private RetryPolicy backoff = RetryPolicy.attempts(10).withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration doneRetention = DEFAULT_DONE_RETENTION;
        private RandomGenerator random = new SplittableRandom();
        private Duration lease = DEFAULT_LEASE;
        private String schedulerId = "scheduler-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(new SplittableRandom().nextLong() & 0xffffffffL);

        private Builder() {
        }

        /**
         * How long a claimed entry stays with this scheduler while its action runs; positive, five
         * minutes unless set. Longer than the slowest action: when a lease runs out (the scheduler
         * died, or the action hangs), another scheduler runs the entry again, and the late outcome
         * of the first is dropped.
         */
        public Builder lease(Duration lease) {
            this.lease = SettingRules.positive(OWNER, "lease", lease);
            return this;
        }

        /**
         * Names this scheduler in the {@code lease_owner} column of the entries it is running, for
         * operators; unique among the schedulers on one table. A process id and a random part
         * unless set.
         */
        public Builder schedulerId(String schedulerId) {
            Objects.requireNonNull(schedulerId, "schedulerId");
            if (schedulerId.isBlank() || schedulerId.length() > OutboxSchema.LEASE_OWNER_LENGTH - 21) {
                throw new IllegalArgumentException("retry scheduler schedulerId '" + schedulerId + "' must be non-blank and at most "
                        + (OutboxSchema.LEASE_OWNER_LENGTH - 21) + " characters");
            }
            this.schedulerId = schedulerId;
            return this;
        }

        /** The table to run, and the clock that decides what is due. */
        public Builder transactionLog(TransactionLog transactionLog) {
            this.transactionLog = Objects.requireNonNull(transactionLog, "transactionLog");
            return this;
        }

        /** The work behind every entry; switch on {@link TransactionLogEntry#kind()} for several kinds. */
        public Builder action(Action action) {
            this.action = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * Delays and attempt limit; 1 s doubling to 5 min, 10 attempts, 20% jitter unless set. The
         * jitter is drawn from {@link #random(RandomGenerator)}; a delay is never under 1 ms.
         */
        public Builder backoff(RetryPolicy backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** The most entries one pass runs, 1 to 10 000; {@value RetryScheduler#DEFAULT_BATCH_SIZE} unless set. */
        public Builder batchSize(int batchSize) {
            this.batchSize = SettingRules.batchSize(OWNER, batchSize);
            return this;
        }

        /** The pause after a pass that ran less than a full batch; positive. 1 s unless set. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = SettingRules.positive(OWNER, "pollInterval", pollInterval);
            return this;
        }

        /** How long DONE entries stay in the table before they are deleted; not negative. One day unless set. */
        public Builder doneRetention(Duration doneRetention) {
            this.doneRetention = SettingRules.notNegative(OWNER, "doneRetention", doneRetention);
            return this;
        }

        /** The source of jitter; a fixed-seed generator makes delays repeatable in tests. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** @throws IllegalArgumentException when the transaction log or the action is missing */
        public RetryScheduler build() {
            if (transactionLog == null) {
                throw new IllegalArgumentException("the retry scheduler needs a transactionLog");
            }
            if (action == null) {
                throw new IllegalArgumentException("the retry scheduler needs an action");
            }
            return new RetryScheduler(this);
        }
    }
}
