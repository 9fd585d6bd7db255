package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.CHECKOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEADLINE;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsTo;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.kinds;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastEventOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.stepsSent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pivot is the point of no return: until it succeeds a failure, the deadline or an abort
 * compensates the steps before it (never the pivot itself); once it succeeded the saga only goes
 * forward, and an abort or the deadline is refused and recorded.
 */
@ExtendWith(WellFormedHistories.class)
class PivotStepTest {

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
    void abortBeforeThePivotSucceededCompensatesTheEarlierSteps() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();

            kit.abort("c-1", "customer cancelled");

            kit.assertThat("c-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).containsExactly("reserve-stock");
            kit.replyTo("c-1", "reserve-stock").succeed();
            kit.assertThat("c-1").isCompensated().compensatedInOrder("reserve-stock");
        }
    }

    @Test
    void ignoresTheLateReplyOfAPivotAbandonedByAnAbort() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();
            SentCommand pivot = kit.lastCommand("c-1", "charge-payment").orElseThrow();
            kit.abort("c-1", "customer cancelled");

            kit.replyTo(pivot).succeed();

            assertThat(kinds(kit, "c-1")).last().isEqualTo(SagaEventKind.LATE_REPLY_IGNORED);
            kit.assertThat("c-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(kit.state("c-1").getPivotPassed()).isFalse();
        }
    }

    @Test
    void deadlineBeforeThePivotSucceededCompensatesTheEarlierSteps() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            kit.start("c-1", "checkout");
            kit.replyTo("c-1", "reserve-stock").succeed();
            kit.replyTo("c-1", "charge-payment").retryableError("BANK_BUSY", "later");

            kit.advanceTime(DEADLINE);

            kit.assertThat("c-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(lastEventOf(kit, "c-1", SagaEventKind.COMPENSATION_STARTED).getReason()).startsWith("deadline");
            assertThat(stepsSent(kit, "c-1", StepAction.COMPENSATE)).containsExactly("reserve-stock");
        }
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
