package dev.sagaline.participant.outbox;

import dev.sagaline.participant.outbox.TransactionLogEntry.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the due PENDING entries of a {@link TransactionLog} through an {@link Action} and records
 * each outcome: DONE; PENDING again after a {@link BackoffPolicy} delay; or FAILED with the
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
 *         .backoff(BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5)).withMaxAttempts(8))
 *         .build()
 *         .start()) {
 *     awaitShutdown();
 * }
 * }</pre>
 *
 * <p>Actions run at least once: the outcome is written after the action returns, so a crash in
 * between runs it again. They run outside any database transaction, one at a time, on the
 * scheduler's thread. Time comes from the transaction log's clock: {@link #runDue()} with a
 * clock moved forward is how tests step through retries without sleeping.
 *
 * <p>Run one scheduler per table. A second one would pick the same due entries and run their
 * actions twice; only the first outcome recorded for an attempt is kept.
 */
public final class RetryScheduler implements AutoCloseable {

    /** Default for {@link Builder#batchSize(int)}. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** Default for {@link Builder#pollInterval(Duration)}. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** Default for {@link Builder#doneRetention(Duration)}. */
    public static final Duration DEFAULT_DONE_RETENTION = Duration.ofDays(1);

    private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final TransactionLog transactionLog;
    private final Action action;
    private final BackoffPolicy backoff;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration doneRetention;
    private final RandomGenerator random;
    private final Clock clock;

    private volatile boolean closed;
    private PollingThread worker;
    private Instant nextPurgeAt = Instant.MIN;

    private RetryScheduler(Builder builder) {
        this.transactionLog = builder.transactionLog;
        this.action = builder.action;
        this.backoff = builder.backoff;
        this.batchSize = builder.batchSize;
        this.pollInterval = builder.pollInterval;
        this.doneRetention = builder.doneRetention;
        this.random = builder.random;
        this.clock = transactionLog.clock();
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
    public synchronized RetryScheduler start() {
        requireOpen();
        if (worker != null) {
            throw new IllegalStateException("the retry scheduler for table " + transactionLog.table() + " is already started");
        }
        worker = new PollingThread("sagaline-retry-scheduler-" + transactionLog.table(), pollInterval, batchSize,
                this::runIfOpen, log, "Running due entries of transaction log table " + transactionLog.table());
        worker.start();
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
    public synchronized int runDue() {
        requireOpen();
        return runBatch();
    }

    /** Stops the thread after the current pass. Idempotent. */
    @Override
    public void close() {
        PollingThread running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = worker;
        }
        if (running != null && !running.stop(CLOSE_TIMEOUT)) {
            log.warn("The retry scheduler thread for table {} did not stop within {}", transactionLog.table(), CLOSE_TIMEOUT);
        }
    }

    private synchronized int runIfOpen() {
        return closed ? 0 : runBatch();
    }

    private int runBatch() {
        List<TransactionLogEntry> due = transactionLog.due(clock.instant(), batchSize);
        for (TransactionLogEntry entry : due) {
            attempt(entry);
        }
        purgeIfDue();
        return due.size();
    }

    private void attempt(TransactionLogEntry entry) {
        ActionResult result = run(entry);
        int attempts = entry.attempts() + 1;
        Instant now = clock.instant();
        boolean recorded = switch (result.decision()) {
            case DONE -> transactionLog.settle(entry, Status.DONE, now, null);
            case GIVE_UP -> {
                log.warn("Transaction log entry {} ({}) given up after attempt {}: {}", entry.id(), entry.kind(), attempts,
                        result.reason());
                yield transactionLog.settle(entry, Status.FAILED, now, result.reason());
            }
            case RETRY -> retryLater(entry, attempts, now, result.reason());
        };
        if (!recorded) {
            log.info("Transaction log entry {} changed while its action ran (requeued, or run by another scheduler); "
                    + "the outcome of this attempt was not recorded", entry.id());
        }
    }

    private boolean retryLater(TransactionLogEntry entry, int attempts, Instant now, String reason) {
        if (attempts >= backoff.maxAttempts()) {
            log.warn("Transaction log entry {} ({}) failed its last allowed attempt ({}): {}", entry.id(), entry.kind(),
                    attempts, reason);
            return transactionLog.settle(entry, Status.FAILED, now, "gave up after " + attempts + " attempts; last error: " + reason);
        }
        Duration delay = backoff.delayAfter(attempts, random);
        log.debug("Transaction log entry {} ({}) attempt {} failed, next in {}: {}", entry.id(), entry.kind(), attempts, delay,
                reason);
        return transactionLog.settle(entry, Status.PENDING, now.plus(delay), reason);
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

    private void purgeIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextPurgeAt)) {
            return;
        }
        transactionLog.purgeDone(now.minus(doneRetention));
        nextPurgeAt = now.plus(doneRetention.compareTo(PURGE_INTERVAL) < 0 ? doneRetention : PURGE_INTERVAL);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the retry scheduler for table " + transactionLog.table() + " is closed");
        }
    }

    /** Configures a {@link RetryScheduler}; the transaction log and the action are required. */
    public static final class Builder {

        private TransactionLog transactionLog;
        private Action action;
        private BackoffPolicy backoff = BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5));
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration doneRetention = DEFAULT_DONE_RETENTION;
        private RandomGenerator random = new SplittableRandom();

        private Builder() {
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

        /** Delays and attempt limit; 1 s doubling to 5 min, 10 attempts, 20% jitter unless set. */
        public Builder backoff(BackoffPolicy backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** The most entries one pass runs, 1 to 10 000; {@value RetryScheduler#DEFAULT_BATCH_SIZE} unless set. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("retry scheduler batchSize must be between 1 and 10000, not " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The pause after a pass that ran less than a full batch; positive. 1 s unless set. */
        public Builder pollInterval(Duration pollInterval) {
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("retry scheduler pollInterval must be positive, not " + pollInterval);
            }
            this.pollInterval = pollInterval;
            return this;
        }

        /** How long DONE entries stay in the table before they are deleted; not negative. One day unless set. */
        public Builder doneRetention(Duration doneRetention) {
            Objects.requireNonNull(doneRetention, "doneRetention");
            if (doneRetention.isNegative()) {
                throw new IllegalArgumentException("retry scheduler doneRetention must not be negative, not " + doneRetention);
            }
            this.doneRetention = doneRetention;
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
