package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.outbox.TransactionLogEntry.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
class RetrySchedulerTest {

    private static final BackoffPolicy ONE_TWO_FOUR_SECONDS =
            BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1)).withJitter(0).withMaxAttempts(4);

    private final PostgresDatabase db;
    private final MutableClock clock = new MutableClock();
    private final TransactionLog transactionLog;
    private final ScriptedAction action = new ScriptedAction();

    RetrySchedulerTest(LocalPostgres postgres) {
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
        return builder.transactionLog(transactionLog).action(action).backoff(ONE_TWO_FOUR_SECONDS).build();
    }

    /** Answers with the results it is given, in order, then done; records every run. */
    private static final class ScriptedAction implements Action {

        private final Deque<ActionResult> answers = new ArrayDeque<>();
        private final List<String> runs = new ArrayList<>();
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
            if (failure != null) {
                throw failure;
            }
            return answers.isEmpty() ? ActionResult.done() : answers.poll();
        }
    }
}
