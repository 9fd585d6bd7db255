package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEFAULT_TIMEOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsTo;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.eventsOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastCommand;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastEventOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.stepsSent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Turning back: every step whose command was sent is compensated, in reverse order, one stage
 * after the other; COMPENSATE is retried until it succeeds or its attempts run out (STUCK).
 */
@ExtendWith(WellFormedHistories.class)
class SagaCompensationTest {

    @Test
    void compensatesEverySentStepInReverseOrderWhenAStepFails() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "ship").fail("NO_COURIER", "no courier today");
            kit.replyTo("o-1", "ship").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "reserve-stock").succeed();

            kit.assertThat("o-1").isCompensated().hasNoPendingCommands()
                    .compensatedInOrder("ship", "charge-payment", "reserve-stock");
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.COMPENSATION_STARTED).getReason()).contains("step ship failed: NO_COURIER");
        }
    }

    @Test
    void compensatesTheFailedStepItself() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").fail("CARD_DECLINED", "insufficient funds");

            assertThat(lastCommand(kit, "o-1")).extracting(SentCommand::step, SentCommand::action)
                    .containsExactly("charge-payment", StepAction.COMPENSATE);
        }
    }

    @Test
    void compensatesNoStepWhoseCommandWasNeverSent() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").fail("OUT_OF_STOCK", "none left");
            kit.replyTo("o-1", "reserve-stock").succeed();

            kit.assertThat("o-1").isCompensated().compensatedInOrder("reserve-stock");
            assertThat(kit.commands("o-1")).extracting(SentCommand::step).containsOnly("reserve-stock");
        }
    }

    @Test
    void waitsForEachCompensationBeforeCompensatingTheStepBefore() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "ship").fail("NO_COURIER", "no courier today");

            assertThat(stepsSent(kit, "o-1", StepAction.COMPENSATE)).containsExactly("ship");
            kit.replyTo("o-1", "ship").succeed();
            assertThat(stepsSent(kit, "o-1", StepAction.COMPENSATE)).containsExactly("ship", "charge-payment");
        }
    }

    @Test
    void givesACompensationTheOutputOfTheStepItUndoes() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order", null, Payloads.json("{\"order\":\"o-1\"}"));
            kit.replyTo("o-1", "reserve-stock").succeedWith(Payloads.json("{\"reservation\":\"r-9\"}"));
            kit.replyTo("o-1", "charge-payment").fail("CARD_DECLINED", "insufficient funds");
            kit.replyTo("o-1", "charge-payment").succeed();

            SentCommand undo = lastCommand(kit, "o-1");
            assertThat(undo.action()).isEqualTo(StepAction.COMPENSATE);
            assertThat(Payloads.jsonText(undo.command().getInput())).isEqualTo("{\"reservation\":\"r-9\"}");
        }
    }

    @Test
    void retriesAFailedCompensationWithBackoffUntilItSucceeds() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").fail("OUT_OF_STOCK", "none left");
            kit.replyTo("o-1", "reserve-stock").fail("DB_DOWN", "cannot release");

            kit.advanceTime(FIRST_BACKOFF.minusMillis(100));
            assertThat(commandsOf(kit, "o-1", StepAction.COMPENSATE)).hasSize(1);
            kit.advanceTime(Duration.ofMillis(100));
            kit.replyTo("o-1", "reserve-stock").retryableError("DB_DOWN", "cannot release");
            kit.advanceTime(FIRST_BACKOFF.multipliedBy(2));
            kit.replyTo("o-1", "reserve-stock").succeed();

            assertThat(commandsOf(kit, "o-1", StepAction.COMPENSATE)).extracting(SentCommand::attempt).containsExactly(1, 2, 3);
            assertThat(commandsOf(kit, "o-1", StepAction.COMPENSATE)).extracting(SentCommand::commandId).doesNotHaveDuplicates();
            kit.assertThat("o-1").isCompensated();
        }
    }

    @Test
    void retriesACompensationThatTimedOut() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").fail("OUT_OF_STOCK", "none left");

            kit.advanceTime(DEFAULT_TIMEOUT.plus(FIRST_BACKOFF));

            assertThat(lastEventOf(kit, "o-1", SagaEventKind.STEP_TIMED_OUT).getReason()).isEqualTo("COMPENSATE attempt 1 timed out");
            assertThat(commandsOf(kit, "o-1", StepAction.COMPENSATE)).extracting(SentCommand::attempt).containsExactly(1, 2);
        }
    }

    @Test
    void isStuckNamingTheStepAndItsLastErrorWhenACompensationUsesUpItsTenAttempts() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").fail("CARD_DECLINED", "insufficient funds");
            kit.replyTo("o-1", "charge-payment").succeed();
            failCompensation(kit, "reserve-stock", 10);

            kit.assertThat("o-1").isStuck().hasNoPendingCommands();
            SagaEvent stuck = lastEventOf(kit, "o-1", SagaEventKind.STUCK);
            assertThat(stuck.getStep()).isEqualTo("reserve-stock");
            assertThat(stuck.getErrorCode()).isEqualTo("DB_DOWN");
            assertThat(stuck.getErrorMessage()).isEqualTo("cannot release attempt 10");
            assertThat(stuck.getReason()).contains("COMPENSATE of step reserve-stock gave up after 10 attempts");
            assertThat(commandsOf(kit, "o-1", StepAction.COMPENSATE)).hasSize(11);
        }
    }

    @Test
    void resumesAStuckCompensationWithAFreshBudgetWhenAnOperatorRetries() {
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.UNDO_MAX_ATTEMPTS_CONFIG, 2), ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").fail("CARD_DECLINED", "insufficient funds");
            kit.replyTo("o-1", "charge-payment").succeed();
            failCompensation(kit, "reserve-stock", 2);
            kit.assertThat("o-1").isStuck();

            kit.retry("o-1", "database is back");
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.RETRIED_BY_OPERATOR).getReason()).isEqualTo("operator retry: database is back");
            kit.replyTo("o-1", "reserve-stock").fail("DB_DOWN", "once more");
            kit.assertThat("o-1").hasStatus(SagaStatus.COMPENSATING);
            kit.advanceTime(FIRST_BACKOFF);
            kit.replyTo("o-1", "reserve-stock").succeed();

            kit.assertThat("o-1").isCompensated().compensatedInOrder("charge-payment", "reserve-stock");
            assertThat(commandsTo(kit, "o-1", "reserve-stock")).extracting(SentCommand::action, SentCommand::attempt)
                    .containsExactly(tuple(StepAction.DO, 1), tuple(StepAction.COMPENSATE, 1), tuple(StepAction.COMPENSATE, 2),
                            tuple(StepAction.COMPENSATE, 3), tuple(StepAction.COMPENSATE, 4));
        }
    }

    /** Fails the step's outstanding COMPENSATE {@code times} times, waiting out each backoff. */
    private static void failCompensation(SagaTestKit kit, String step, int times) {
        for (int attempt = 1; attempt <= times; attempt++) {
            assertThat(kit.lastCommand("o-1", step).orElseThrow().attempt()).isEqualTo(attempt);
            kit.replyTo("o-1", step).fail("DB_DOWN", "cannot release attempt " + attempt);
            if (attempt < times) {
                kit.advanceTime(Duration.ofMillis(Math.min(FIRST_BACKOFF.toMillis() << (attempt - 1), 60_000L)));
            }
        }
        assertThat(eventsOf(kit, "o-1", SagaEventKind.STEP_TIMED_OUT)).isEmpty();
    }
}
