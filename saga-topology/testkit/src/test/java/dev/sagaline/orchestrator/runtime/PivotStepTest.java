package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.CHECKOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEADLINE;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEFAULT_TIMEOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsTo;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.kinds;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastEventOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.stepsSent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepResolution;
import java.time.Duration;
import java.util.List;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pivot is the point of no return: until it is sent a failure, the deadline or an abort
 * compensates the steps before it (never the pivot itself); once it succeeded the saga only goes
 * forward, and an abort or the deadline is refused and recorded. While its outcome is unknown it
 * is resolved, never guessed: its command is sent again with the same id, an abort or the
 * deadline waits for the answer, and past a bound the saga is STUCK until the reply or an
 * operator's resolve says what happened.
 */
@ExtendWith(WellFormedHistories.class)
class PivotStepTest {

    private static final Duration IN_DOUBT_MAX = Duration.ofMinutes(2);

    @Test
    void compensatesTheEarlierStepsButNotThePivotWhenThePivotFails() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();
            kit.replyTo("c-1", "charge-payment").fail("CARD_DECLINED", "insufficient funds");
            kit.replyTo("c-1", "reserve-stock").succeed();

            kit.assertThat("c-1").isCompensated().compensatedInOrder("reserve-stock");
            assertThat(commandsTo(kit, "c-1", "charge-payment")).extracting(SentCommand::action).containsOnly(StepAction.DO);
            assertThat(commandsTo(kit, "c-1", "ship")).isEmpty();
        }
    }

    @Test
    void abortBeforeThePivotWasSentCompensatesTheEarlierSteps() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");

            kit.abort("c-1", "customer cancelled");

            kit.assertThat("c-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).containsExactly("reserve-stock");
            kit.replyTo("c-1", "reserve-stock").succeed();
            kit.assertThat("c-1").isCompensated().compensatedInOrder("reserve-stock");
            assertThat(commandsTo(kit, "c-1", "charge-payment")).isEmpty();
        }
    }

    @Test
    void abortWhileThePivotIsOutstandingWaitsAndIsRefusedWhenThePivotSucceeds() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();

            kit.abort("c-1", "customer cancelled");

            assertThat(lastEventOf(kit, "c-1", SagaEventKind.TURN_BACK_PENDING).getReason())
                    .isEqualTo("operator abort: customer cancelled waits: the pivot step's outcome is not known yet");
            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING);
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).isEmpty();

            kit.replyTo("c-1", "charge-payment").succeed();

            assertThat(lastEventOf(kit, "c-1", SagaEventKind.ABORT_REFUSED).getReason())
                    .isEqualTo("operator abort: customer cancelled waits: the pivot step's outcome is not known yet"
                            + " refused: the pivot step succeeded, so the saga only goes forward");
            List.of("ship", "notify").forEach(step -> kit.replyTo("c-1", step).succeed());
            kit.assertThat("c-1").isCompleted().compensatedNothing();
        }
    }

    @Test
    void abortThatWaitedForThePivotIsCarriedOutWhenThePivotIsRefused() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();
            kit.abort("c-1", "customer cancelled");

            kit.replyTo("c-1", "charge-payment").retryableError("BANK_BUSY", "later");

            kit.assertThat("c-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).containsExactly("reserve-stock");
            assertThat(commandsTo(kit, "c-1", "charge-payment")).hasSize(1);
            assertThat(kit.state("c-1").getPendingTurnBackCause()).isNull();
        }
    }

    @Test
    void pivotThatTimesOutIsSentAgainWithTheSameCommandIdInsteadOfBeingGuessed() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();
            SentCommand pivot = kit.lastCommand("c-1", "charge-payment").orElseThrow();

            kit.advanceTime(DEFAULT_TIMEOUT.plus(FIRST_BACKOFF.multipliedBy(2)));

            assertThat(kinds(kit, "c-1")).contains(SagaEventKind.STEP_IN_DOUBT, SagaEventKind.STEP_RESENT);
            assertThat(commandsTo(kit, "c-1", "charge-payment")).extracting(SentCommand::commandId)
                    .containsExactly(pivot.commandId(), pivot.commandId());
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).isEmpty();
            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING);

            kit.replyTo(pivot).succeed();

            assertThat(kit.state("c-1").getPivotPassed()).isTrue();
            assertThat(kit.lastCommand("c-1", "ship")).isPresent();
        }
    }

    @Test
    void deadlineWaitsForAPivotInDoubt() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();

            kit.advanceTime(DEADLINE);

            assertThat(lastEventOf(kit, "c-1", SagaEventKind.TURN_BACK_PENDING).getReason()).startsWith("deadline").endsWith("it waits: the pivot step's outcome is not known yet");
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).isEmpty();
            kit.replyTo(kit.lastCommand("c-1", "charge-payment").orElseThrow()).fail("CARD_DECLINED", "insufficient funds");
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).containsExactly("reserve-stock");
        }
    }

    @Test
    void deadlineBeforeThePivotWasSentCompensatesTheEarlierSteps() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").retryableError("DB_BUSY", "later");

            kit.advanceTime(DEADLINE);

            kit.assertThat("c-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(lastEventOf(kit, "c-1", SagaEventKind.COMPENSATION_STARTED).getReason()).startsWith("deadline");
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).containsExactly("reserve-stock");
        }
    }

    @Test
    void pivotInDoubtPastTheBoundMakesTheSagaStuckWithoutCompensatingAnything() {
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.IN_DOUBT_MAX_MS_CONFIG, IN_DOUBT_MAX.toMillis()), CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();

            kit.advanceTime(DEFAULT_TIMEOUT.plus(IN_DOUBT_MAX).plus(DEFAULT_TIMEOUT.multipliedBy(2)));

            kit.assertThat("c-1").hasStatus(SagaStatus.STUCK);
            assertThat(lastEventOf(kit, "c-1", SagaEventKind.STUCK).getReason()).startsWith("pivot in doubt: step charge-payment");
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).isEmpty();
            int sent = kit.commands("c-1").size();
            kit.advanceTime(DEADLINE.multipliedBy(10));
            assertThat(kit.commands("c-1")).as("a STUCK saga sends nothing").hasSize(sent);
        }
    }

    @Test
    void operatorResolvingThePivotAsSucceededMovesTheStuckSagaForward() {
        try (SagaTestKit kit = stuckWithPivotInDoubt()) {
            kit.resolve("c-1", "charge-payment", StepResolution.SUCCEEDED, "the bank shows the charge");

            assertThat(lastEventOf(kit, "c-1", SagaEventKind.STEP_RESOLVED).getReason())
                    .isEqualTo("operator resolve by test-kit: step charge-payment SUCCEEDED (the bank shows the charge)");
            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING);
            assertThat(kit.state("c-1").getPivotPassed()).isTrue();
            List.of("ship", "notify").forEach(step -> kit.replyTo("c-1", step).succeed());
            kit.assertThat("c-1").isCompleted().compensatedNothing();
        }
    }

    @Test
    void operatorResolvingThePivotAsNotAppliedCompensatesTheEarlierSteps() {
        try (SagaTestKit kit = stuckWithPivotInDoubt()) {
            kit.resolve("c-1", "charge-payment", StepResolution.NOT_APPLIED, "the bank has no such charge");

            kit.assertThat("c-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).containsExactly("reserve-stock");
            kit.replyTo("c-1", "reserve-stock").succeed();
            kit.assertThat("c-1").isCompensated().compensatedInOrder("reserve-stock");
        }
    }

    @Test
    void lateReplyOfThePivotInDoubtResolvesTheStuckSaga() {
        try (SagaTestKit kit = stuckWithPivotInDoubt()) {
            kit.replyTo(commandsTo(kit, "c-1", "charge-payment").get(0)).succeed();

            assertThat(lastEventOf(kit, "c-1", SagaEventKind.STEP_RESOLVED).getReason()).isEqualTo("the in-doubt step charge-payment replied SUCCEEDED");
            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING);
            assertThat(kit.lastCommand("c-1", "ship")).isPresent();
        }
    }

    @Test
    void operatorRetryOfAPivotInDoubtSendsTheSameCommandAgain() {
        try (SagaTestKit kit = stuckWithPivotInDoubt()) {
            String pivot = commandsTo(kit, "c-1", "charge-payment").get(0).commandId();

            kit.retry("c-1", "bank is back");

            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING);
            assertThat(commandsTo(kit, "c-1", "charge-payment")).extracting(SentCommand::commandId).containsOnly(pivot);
        }
    }

    @Test
    void refusesToResolveAStepThatIsNotInDoubt() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");

            kit.resolve("c-1", "reserve-stock", StepResolution.NOT_APPLIED, "guessing");

            assertThat(lastEventOf(kit, "c-1", SagaEventKind.REQUEST_REFUSED).getReason())
                    .isEqualTo("operator resolve by test-kit: step reserve-stock NOT_APPLIED (guessing) refused: the step is IN_FLIGHT, not in doubt");
            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING);
        }
    }

    /** A checkout whose pivot went unanswered past the in-doubt bound. */
    private static SagaTestKit stuckWithPivotInDoubt() {
        SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.IN_DOUBT_MAX_MS_CONFIG, IN_DOUBT_MAX.toMillis()), CHECKOUT);
        kit.start("c-1", "checkout");
        kit.replyTo("c-1", "reserve-stock").succeed();
        kit.advanceTime(DEFAULT_TIMEOUT.plus(IN_DOUBT_MAX).plus(DEFAULT_TIMEOUT.multipliedBy(2)));
        kit.assertThat("c-1").hasStatus(SagaStatus.STUCK);
        return kit;
    }

    @Test
    void refusesAnAbortOnceThePivotSucceededAndGoesOnForward() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();
            kit.replyTo("c-1", "charge-payment").succeed();

            kit.abort("c-1", "customer cancelled");

            assertThat(lastEventOf(kit, "c-1", SagaEventKind.ABORT_REFUSED).getReason())
                    .isEqualTo("operator abort: customer cancelled refused: the pivot step succeeded, so the saga only goes forward");
            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING);
            kit.replyTo("c-1", "ship").succeed();
            kit.replyTo("c-1", "notify").succeed();
            kit.assertThat("c-1").isCompleted().compensatedNothing();
        }
    }

    @Test
    void refusesTheDeadlineOnceThePivotSucceededAndGoesOnForward() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();
            kit.replyTo("c-1", "charge-payment").succeed();
            kit.replyTo("c-1", "ship").succeed();

            kit.advanceTime(DEADLINE);

            assertThat(lastEventOf(kit, "c-1", SagaEventKind.DEADLINE_REFUSED).getReason())
                    .endsWith("refused: the pivot step succeeded, so the saga only goes forward");
            assertThat(kit.state("c-1").getDeadlineMs()).isNull();
            kit.replyTo("c-1", "notify").succeed();
            kit.assertThat("c-1").isCompleted().compensatedNothing();
        }
    }
}
