package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEFAULT_TIMEOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.TRIP;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.kinds;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastEventOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.stepsSent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TCC steps: TRY going forward; when the saga succeeds every TCC step gets CONFIRM (nothing is
 * cancelled), when it fails every step whose TRY was sent gets CANCEL (nothing is confirmed).
 */
@ExtendWith(WellFormedHistories.class)
class TccStepTest {

    @Test
    void triesATccStepGoingForward() {
        try (SagaTestKit kit = kit(TRIP)) {
            kit.start("t-1", "trip");

            assertThat(kit.commands("t-1")).singleElement().extracting(SentCommand::action).isEqualTo(StepAction.TRY);
        }
    }

    @Test
    void confirmsEveryTccStepAtOnceWhenEveryStepSucceeded() {
        try (SagaTestKit kit = kit(TRIP)) {
            succeedForward(kit, "t-1");

            kit.assertThat("t-1").hasStatus(SagaStatus.CONFIRMING).compensatedNothing();
            assertThat(commandsOf(kit, "t-1", StepAction.CONFIRM)).extracting(SentCommand::step).containsExactly("hold-seat", "hold-room");
            assertThat(lastEventOf(kit, "t-1", SagaEventKind.CONFIRMATION_STARTED).getFromStatus()).isEqualTo(SagaStatus.RUNNING);
        }
    }

    @Test
    void completesOnceEveryConfirmSucceeded() {
        try (SagaTestKit kit = kit(TRIP)) {
            succeedForward(kit, "t-1");

            kit.replyTo("t-1", "hold-seat").succeed();
            kit.assertThat("t-1").hasStatus(SagaStatus.CONFIRMING);
            kit.replyTo("t-1", "hold-room").succeed();

            kit.assertThat("t-1").isCompleted().compensatedNothing().hasNoPendingCommands();
            assertThat(kinds(kit, "t-1")).endsWith(SagaEventKind.STEP_CONFIRMED, SagaEventKind.COMPLETED);
        }
    }

    @Test
    void retriesAFailedConfirmWithBackoffUntilItSucceeds() {
        try (SagaTestKit kit = kit(TRIP)) {
            succeedForward(kit, "t-1");
            kit.replyTo("t-1", "hold-seat").succeed();
            kit.replyTo("t-1", "hold-room").fail("HOTEL_DOWN", "try later");

            kit.advanceTime(FIRST_BACKOFF);
            kit.replyTo("t-1", "hold-room").succeed();

            assertThat(commandsOf(kit, "t-1", StepAction.CONFIRM)).extracting(SentCommand::step, SentCommand::attempt)
                    .containsExactly(tuple("hold-seat", 1), tuple("hold-room", 1),
                            tuple("hold-room", 2));
            kit.assertThat("t-1").isCompleted().compensatedNothing();
        }
    }

    @Test
    void isStuckNamingTheStepWhenAConfirmUsesUpItsAttempts() {
        try (SagaTestKit kit = kit(TRIP)) {
            succeedForward(kit, "t-1");
            kit.replyTo("t-1", "hold-seat").succeed();
            failConfirmThreeTimes(kit);

            kit.assertThat("t-1").isStuck().compensatedNothing();
            SagaEvent stuck = lastEventOf(kit, "t-1", SagaEventKind.STUCK);
            assertThat(stuck.getFromStatus()).isEqualTo(SagaStatus.CONFIRMING);
            assertThat(stuck.getStep()).isEqualTo("hold-room");
            assertThat(stuck.getErrorCode()).isEqualTo("HOTEL_DOWN");
            assertThat(stuck.getReason()).contains("CONFIRM of step hold-room gave up after 3 attempts");
        }
    }

    @Test
    void resumesConfirmingWhenAnOperatorRetriesAStuckConfirm() {
        try (SagaTestKit kit = kit(TRIP)) {
            succeedForward(kit, "t-1");
            kit.replyTo("t-1", "hold-seat").succeed();
            failConfirmThreeTimes(kit);

            kit.retry("t-1", "hotel is back");

            kit.assertThat("t-1").hasStatus(SagaStatus.CONFIRMING);
            assertThat(kit.lastCommand("t-1", "hold-room").orElseThrow()).extracting(SentCommand::action, SentCommand::attempt)
                    .containsExactly(StepAction.CONFIRM, 4);
            assertThat(commandsOf(kit, "t-1", StepAction.CONFIRM)).filteredOn(c -> c.step().equals("hold-seat")).hasSize(1);
            kit.replyTo("t-1", "hold-room").succeed();
            kit.assertThat("t-1").isCompleted().compensatedNothing();
        }
    }

    @Test
    void cancelsEveryTriedStepAndConfirmsNothingWhenTheSagaFails() {
        try (SagaTestKit kit = kit(TRIP)) {
            kit.start("t-1", "trip");
            kit.replyTo("t-1", "hold-seat").succeed();
            kit.replyTo("t-1", "hold-room").succeed();
            kit.replyTo("t-1", "charge-card").fail("CARD_DECLINED", "insufficient funds");
            kit.replyTo("t-1", "charge-card").succeed();
            kit.replyTo("t-1", "hold-room").succeed();
            kit.replyTo("t-1", "hold-seat").succeed();

            kit.assertThat("t-1").isCompensated().compensatedInOrder("charge-card", "hold-room", "hold-seat");
            assertThat(stepsSent(kit, "t-1", StepAction.CANCEL)).containsExactly("hold-room", "hold-seat");
            assertThat(commandsOf(kit, "t-1", StepAction.CONFIRM)).isEmpty();
        }
    }

    @Test
    void cancelsATryThatWasRefused() {
        try (SagaTestKit kit = kit(TRIP)) {
            kit.start("t-1", "trip");
            kit.replyTo("t-1", "hold-seat").succeed();
            kit.replyTo("t-1", "hold-room").fail("NO_ROOM", "fully booked");

            assertThat(stepsSent(kit, "t-1", StepAction.CANCEL)).containsExactly("hold-room");
            kit.replyTo("t-1", "hold-room").succeed();
            kit.replyTo("t-1", "hold-seat").succeed();
            kit.assertThat("t-1").isCompensated().compensatedInOrder("hold-room", "hold-seat");
        }
    }

    @Test
    void cancelsATryWhoseOutcomeIsUnknown() {
        try (SagaTestKit kit = kit(TRIP)) {
            kit.start("t-1", "trip");
            kit.replyTo("t-1", "hold-seat").succeed();
            kit.advanceTime(DEFAULT_TIMEOUT.multipliedBy(3).plus(FIRST_BACKOFF.multipliedBy(3)));

            assertThat(stepsSent(kit, "t-1", StepAction.TRY)).containsExactly("hold-seat", "hold-room");
            assertThat(stepsSent(kit, "t-1", StepAction.CANCEL)).containsExactly("hold-room");
            assertThat(commandsOf(kit, "t-1", StepAction.CONFIRM)).isEmpty();
        }
    }

    private static void succeedForward(SagaTestKit kit, String sagaId) {
        kit.start(sagaId, "trip");
        kit.replyTo(sagaId, "hold-seat").succeed();
        kit.replyTo(sagaId, "hold-room").succeed();
        kit.replyTo(sagaId, "charge-card").succeed();
    }

    private static void failConfirmThreeTimes(SagaTestKit kit) {
        kit.replyTo("t-1", "hold-room").fail("HOTEL_DOWN", "try later");
        kit.advanceTime(FIRST_BACKOFF);
        kit.replyTo("t-1", "hold-room").fail("HOTEL_DOWN", "try later");
        kit.advanceTime(FIRST_BACKOFF.multipliedBy(2));
        kit.replyTo("t-1", "hold-room").fail("HOTEL_DOWN", "try later");
    }
}
