package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.participant.outbox.TransactionLogEntry.Status;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.localpostgres.LocalPostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The transaction log's entries run when due, back off, give up with their reason, and are never lost. */
@Tag("integration")
@ExtendWith(LocalPostgresExtension.class)
class RetrySchedulerIT {

    private static final RetryPolicy ONE_TWO_FOUR_SECONDS =
            RetryPolicy.attempts(4).withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1)).withJitter(0);

    private final PostgresDatabase db;
    private final MutableClock clock = new MutableClock();
    private final TransactionLog transactionLog;
    private final ScriptedAction action = new ScriptedAction();

    RetrySchedulerIT(LocalPostgres postgres) {
        db = PostgresDatabase.create(postgres);
        transactionLog = new TransactionLog(db.dataSource(), OutboxSchema.defaults(), clock);
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void recordingIsRolledBackWithTheBusinessChange() throws SQLException {
        try (Connection tx = db.transaction()) {
            db.reserve(tx, "r-1", "sku-42", 2);
            transactionLog.record(tx, "a-1", "publish-stock-reserved", null);
            tx.rollback();
        }

        assertThat(transactionLog.find("a-1")).isEmpty();
        assertThat(db.count("reservation")).isZero();
    }

    @Test
    void runsADueActionAndMarksItDone() throws SQLException {
        record("a-1");

        try (RetryScheduler scheduler = scheduler()) {
            assertThat(scheduler.runDue()).isEqualTo(1);
        }

        assertThat(action.runs).containsExactly("a-1 attempt 1 payload a-1");
        assertThat(transactionLog.find("a-1")).hasValueSatisfying(entry -> {
            assertThat(entry.status()).isEqualTo(Status.DONE);
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.lastError()).isNull();
        });
    }

    @Test
    void aDoneActionIsNotRunAgain() throws SQLException {
        record("a-1");

        try (RetryScheduler scheduler = scheduler()) {
            scheduler.runDue();
            clock.advance(Duration.ofHours(1));
            assertThat(scheduler.runDue()).isZero();
        }

        assertThat(action.runs).hasSize(1);
    }

    @Test
    void retriesWithExponentialBackoffAsTheClockMoves() throws SQLException {
        record("a-1");
        action.answer(ActionResult.retry("payment service busy"), ActionResult.retry("payment service busy"));

        try (RetryScheduler scheduler = scheduler()) {
            assertThat(scheduler.runDue()).isOne();
            assertThat(transactionLog.find("a-1").orElseThrow().nextAttemptAt()).isEqualTo(MutableClock.START.plusSeconds(1));

            clock.advance(Duration.ofMillis(999));
            assertThat(scheduler.runDue()).as("not due before the first delay").isZero();
            clock.advance(Duration.ofMillis(1));
            assertThat(scheduler.runDue()).isOne();

            clock.advance(Duration.ofMillis(1999));
            assertThat(scheduler.runDue()).as("the second delay is twice the first").isZero();
            clock.advance(Duration.ofMillis(1));
            assertThat(scheduler.runDue()).isOne();
        }

        assertThat(action.runs).containsExactly("a-1 attempt 1 payload a-1", "a-1 attempt 2 payload a-1",
                "a-1 attempt 3 payload a-1");
        assertThat(transactionLog.find("a-1").orElseThrow().status()).isEqualTo(Status.DONE);
    }

    @Test
    void aRetryKeepsTheEntryPendingWithItsReason() throws SQLException {
        record("a-1");
        action.answer(ActionResult.retry("payment service busy"));

        try (RetryScheduler scheduler = scheduler()) {
            scheduler.runDue();
        }

        assertThat(transactionLog.find("a-1")).hasValueSatisfying(entry -> {
            assertThat(entry.status()).isEqualTo(Status.PENDING);
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.lastError()).isEqualTo("payment service busy");
        });
    }

    @Test
    void failsTheEntryWithTheLastReasonAfterTheLastAllowedAttempt() throws SQLException {
        record("a-1");
        action.answer(ActionResult.retry("busy"), ActionResult.retry("busy"), ActionResult.retry("busy"),
                ActionResult.retry("still busy"));

        try (RetryScheduler scheduler = scheduler()) {
            for (int attempt = 0; attempt < 6; attempt++) {
                scheduler.runDue();
                clock.advance(Duration.ofMinutes(1));
            }
        }

        assertThat(action.runs).hasSize(4);
        assertThat(transactionLog.find("a-1")).hasValueSatisfying(entry -> {
            assertThat(entry.status()).isEqualTo(Status.FAILED);
            assertThat(entry.attempts()).isEqualTo(4);
            assertThat(entry.lastError()).isEqualTo("gave up after 4 attempts; last error: still busy");
        });
        assertThat(transactionLog.entries(Status.FAILED, 10)).extracting(TransactionLogEntry::id).containsExactly("a-1");
    }

    @Test
    void anActionThatGivesUpFailsTheEntryAtOnceWithItsReason() throws SQLException {
        record("a-1");
        action.answer(ActionResult.giveUp("card expired"));

        try (RetryScheduler scheduler = scheduler()) {
            scheduler.runDue();
            clock.advance(Duration.ofHours(1));
            scheduler.runDue();
        }

        assertThat(action.runs).hasSize(1);
        assertThat(transactionLog.find("a-1")).hasValueSatisfying(entry -> {
            assertThat(entry.status()).isEqualTo(Status.FAILED);
            assertThat(entry.lastError()).isEqualTo("card expired");
        });
    }

    @Test
    void anExceptionFromTheActionIsRetriedWithTheExceptionAsTheReason() throws SQLException {
        record("a-1");
        action.fail(new IOException("connection reset"));

        try (RetryScheduler scheduler = scheduler()) {
            scheduler.runDue();
        }

        assertThat(transactionLog.find("a-1")).hasValueSatisfying(entry -> {
            assertThat(entry.status()).isEqualTo(Status.PENDING);
            assertThat(entry.lastError()).isEqualTo("java.io.IOException: connection reset");
        });
    }

    @Test
    void aRequeuedFailedEntryRunsAgain() throws SQLException {
        record("a-1");
        action.answer(ActionResult.giveUp("card expired"));
        try (RetryScheduler scheduler = scheduler()) {
            scheduler.runDue();

            assertThat(transactionLog.requeue("a-1")).isTrue();
            assertThat(transactionLog.requeue("a-1")).as("only a FAILED entry is requeued").isFalse();
            scheduler.runDue();
        }

        assertThat(action.runs).containsExactly("a-1 attempt 1 payload a-1", "a-1 attempt 1 payload a-1");
        assertThat(transactionLog.find("a-1").orElseThrow().status()).isEqualTo(Status.DONE);
    }

    @Test
    void deletesDoneEntriesAfterTheRetentionButKeepsFailedOnes() throws SQLException {
        record("done");
        record("failed");
        action.answer(ActionResult.done(), ActionResult.giveUp("card expired"));

        try (RetryScheduler scheduler = scheduler(RetryScheduler.builder().doneRetention(Duration.ofHours(1)))) {
            scheduler.runDue();
            clock.advance(Duration.ofMinutes(61));
            scheduler.runDue();
        }

        assertThat(transactionLog.find("done")).isEmpty();
        assertThat(transactionLog.find("failed")).isPresent();
    }

    @Test
    void runsDueEntriesOnItsOwnThreadOnceStarted() throws Exception {
        record("a-1");
        CountDownLatch ran = new CountDownLatch(1);

        try (RetryScheduler scheduler = RetryScheduler.builder()
                .transactionLog(transactionLog)
                .pollInterval(Duration.ofMillis(10))
                .action(entry -> {
                    ran.countDown();
                    return ActionResult.done();
                })
                .build()) {
            scheduler.start();
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(transactionLog.find("a-1").orElseThrow().status()).isEqualTo(Status.DONE);
    }

    @Test
    void twoSchedulersOnOneTableRunEveryDueEntryExactlyOnce() throws Exception {
        List<String> ids = IntStream.rangeClosed(1, 40).mapToObj(i -> "a-" + i).toList();
        for (String id : ids) {
            record(id);
        }
        Queue<String> runs = new ConcurrentLinkedQueue<>();
        Action slowAction = entry -> {
            runs.add(entry.id());
            Thread.sleep(5);
            return ActionResult.done();
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RetryScheduler first = configured(RetryScheduler.builder().schedulerId("first")).action(slowAction).build();
                RetryScheduler second = configured(RetryScheduler.builder().schedulerId("second")).action(slowAction).build()) {
            Future<Integer> firstRan = pool.submit(first::runDue);
            Future<Integer> secondRan = pool.submit(second::runDue);

            assertThat(firstRan.get(1, TimeUnit.MINUTES) + secondRan.get(1, TimeUnit.MINUTES)).isEqualTo(ids.size());
            assertThat(firstRan.get()).as("both took a share").isPositive();
            assertThat(secondRan.get()).as("both took a share").isPositive();
        } finally {
            pool.shutdownNow();
        }

        assertThat(runs).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(transactionLog.entries(Status.DONE, 100)).hasSize(ids.size());
    }

    @Test
    void anEntryWhoseSchedulerDiedMidActionIsRunAgainByAnotherOnceTheLeaseRunsOut() throws SQLException {
        record("a-1");
        try (RetryScheduler dying = configured(RetryScheduler.builder().schedulerId("dying").lease(Duration.ofMinutes(2)))
                        .action(entry -> {
                            throw new ProcessDeath();
                        }).build();
                RetryScheduler survivor = scheduler(RetryScheduler.builder().schedulerId("survivor"))) {
            assertThatThrownBy(dying::runDue).isInstanceOf(ProcessDeath.class);
            assertThat(transactionLog.find("a-1").orElseThrow().status()).isEqualTo(Status.PENDING);

            assertThat(survivor.runDue()).as("still leased to the dead scheduler").isZero();
            clock.advance(Duration.ofMinutes(2));
            assertThat(survivor.runDue()).isOne();
        }

        assertThat(action.runs).as("the abandoned attempt counts").containsExactly("a-1 attempt 2 payload a-1");
        assertThat(action.lastErrors).singleElement().asString()
                .contains("attempt 1 did not finish", "dying#1", "lease ran out");
        assertThat(transactionLog.find("a-1")).hasValueSatisfying(entry -> {
            assertThat(entry.status()).isEqualTo(Status.DONE);
            assertThat(entry.attempts()).isEqualTo(2);
        });
    }

    @Test
    void anEntryWhoseLastAllowedAttemptNeverFinishedIsParkedFailedWithTheReasonAndCanBeRequeued() throws SQLException {
        record("a-1");
        action.answer(ActionResult.retry("busy"), ActionResult.retry("busy"), ActionResult.retry("busy"));
        try (RetryScheduler scheduler = scheduler()) {
            for (int attempt = 0; attempt < 3; attempt++) {
                scheduler.runDue();
                clock.advance(Duration.ofMinutes(1));
            }
        }
        try (RetryScheduler dying = configured(RetryScheduler.builder().schedulerId("dying")).action(entry -> {
            throw new ProcessDeath();
        }).build()) {
            assertThatThrownBy(dying::runDue).isInstanceOf(ProcessDeath.class);
        }
        clock.advance(RetryScheduler.DEFAULT_LEASE);

        try (RetryScheduler scheduler = scheduler()) {
            assertThat(scheduler.runDue()).isOne();
            assertThat(action.runs).as("parked without running a fifth time").hasSize(3);
            assertThat(transactionLog.find("a-1")).hasValueSatisfying(entry -> {
                assertThat(entry.status()).isEqualTo(Status.FAILED);
                assertThat(entry.attempts()).isEqualTo(4);
                assertThat(entry.lastError()).startsWith("gave up after 4 attempts; last error: attempt 4 did not finish");
            });

            assertThat(transactionLog.requeue("a-1")).isTrue();
            scheduler.runDue();
        }
        assertThat(transactionLog.find("a-1").orElseThrow().status()).isEqualTo(Status.DONE);
    }

    @Test
    void theLateOutcomeOfALostLeaseIsDroppedInFavourOfTheSchedulerThatTookOver() throws Exception {
        record("a-1");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (RetryScheduler hanging = configured(RetryScheduler.builder().schedulerId("hanging").lease(Duration.ofMinutes(1)))
                        .action(entry -> {
                            started.countDown();
                            release.await();
                            return ActionResult.giveUp("too late to matter");
                        }).build();
                RetryScheduler survivor = scheduler(RetryScheduler.builder().schedulerId("survivor"))) {
            Future<Integer> hung = pool.submit(hanging::runDue);
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofMinutes(1));

            assertThat(survivor.runDue()).isOne();
            release.countDown();
            assertThat(hung.get(30, TimeUnit.SECONDS)).isOne();
        } finally {
            pool.shutdownNow();
        }

        assertThat(transactionLog.find("a-1")).hasValueSatisfying(entry -> {
            assertThat(entry.status()).isEqualTo(Status.DONE);
            assertThat(entry.attempts()).isEqualTo(2);
        });
    }

    private void record(String id) throws SQLException {
        try (Connection tx = db.transaction()) {
            transactionLog.record(tx, id, "refund-payment", id.getBytes(StandardCharsets.UTF_8));
            tx.commit();
        }
    }

    private RetryScheduler scheduler() {
        return scheduler(RetryScheduler.builder());
    }

    private RetryScheduler scheduler(RetryScheduler.Builder builder) {
        return configured(builder).build();
    }

    private RetryScheduler.Builder configured(RetryScheduler.Builder builder) {
        return builder.transactionLog(transactionLog).action(action).backoff(ONE_TWO_FOUR_SECONDS);
    }

    /** Answers with the results it is given, in order, then done; records every run. */
    private static final class ScriptedAction implements Action {

        private final Deque<ActionResult> answers = new ArrayDeque<>();
        private final List<String> runs = new ArrayList<>();
        private final List<String> lastErrors = new ArrayList<>();
        private Exception failure;

        void answer(ActionResult... results) {
            answers.addAll(List.of(results));
        }

        void fail(Exception exception) {
            failure = exception;
        }

        @Override
        public ActionResult run(TransactionLogEntry entry) throws Exception {
            runs.add(entry.id() + " attempt " + (entry.attempts() + 1) + " payload "
                    + new String(entry.payload(), StandardCharsets.UTF_8));
            lastErrors.add(entry.lastError());
            if (failure != null) {
                throw failure;
            }
            return answers.isEmpty() ? ActionResult.done() : answers.poll();
        }
    }

    /** Thrown from an action to stand for its process dying mid-action: not an Exception, so the scheduler does not catch it. */
    private static final class ProcessDeath extends Error {
        ProcessDeath() {
            super("the scheduler's process died while the action ran");
        }
    }
}
