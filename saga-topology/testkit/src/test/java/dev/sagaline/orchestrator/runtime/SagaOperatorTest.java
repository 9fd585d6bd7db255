package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.kinds;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastEventOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.stepsSent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An operator's abort turns a running saga back; abort and retry are refused, and recorded, where they do not apply. */
@ExtendWith(WellFormedHistories.class)
class SagaOperatorTest {

    @Test
    void abortCompensatesARunningSagaStartingWithTheStepInFlight() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();

            kit.abort("o-1", "customer cancelled");

            SagaEvent turned = lastEventOf(kit, "o-1", SagaEventKind.COMPENSATION_STARTED);
            assertThat(turned.getReason()).isEqualTo("operator abort: customer cancelled");
            assertThat(kit.state("o-1").getFailureReason()).isEqualTo("operator abort: customer cancelled");
            assertThat(stepsSent(kit, "o-1", StepAction.COMPENSATE)).containsExactly("charge-payment");
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.assertThat("o-1").isCompensated().compensatedInOrder("charge-payment", "reserve-stock");
        }
    }

    @Test
    void refusesToAbortACompletedSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "ship").succeed();

            kit.abort("o-1", "too late");

            kit.assertThat("o-1").isCompleted().compensatedNothing();
            assertThat(kinds(kit, "o-1")).last().isEqualTo(SagaEventKind.ABORT_REFUSED);
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.ABORT_REFUSED).getReason())
                    .isEqualTo("operator abort: too late refused: the saga is COMPLETED");
        }
    }

    @Test
    void refusesToAbortACompensatedSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").fail("OUT_OF_STOCK", "none left");
            kit.replyTo("o-1", "reserve-stock").succeed();
            int sent = kit.commands("o-1").size();

            kit.abort("o-1", "again");

            kit.assertThat("o-1").isCompensated();
            assertThat(kinds(kit, "o-1")).last().isEqualTo(SagaEventKind.ABORT_REFUSED);
            assertThat(kit.commands("o-1")).hasSize(sent);
        }
    }

    @Test
    void refusesToAbortASagaThatIsAlreadyCompensating() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").fail("OUT_OF_STOCK", "none left");

            kit.abort("o-1", "twice");

            kit.assertThat("o-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.ABORT_REFUSED).getReason()).endsWith("the saga is COMPENSATING");
            assertThat(kit.commands("o-1")).hasSize(2);
        }
    }

    @Test
    void refusesAnOperatorRetryOfASagaThatIsNotStuck() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");

            kit.retry("o-1", "just in case");

            assertThat(lastEventOf(kit, "o-1", SagaEventKind.REQUEST_REFUSED).getReason())
                    .isEqualTo("operator retry refused: the saga is RUNNING, not STUCK");
            assertThat(kit.commands("o-1")).hasSize(1);
            kit.assertThat("o-1").hasStatus(SagaStatus.RUNNING);
        }
    }
}
