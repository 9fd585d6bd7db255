package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD;
import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD_FUNDS;
import static dev.sagaline.protocol.v1.StepAction.CANCEL;
import static dev.sagaline.protocol.v1.StepAction.CONFIRM;
import static dev.sagaline.protocol.v1.StepAction.TRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** CONFIRM and CANCEL are idempotent and exclude each other. */
class TccRulesTest {

    private final RecordingHandlers payments = new RecordingHandlers();
    @AutoClose
    private final ParticipantDriver participant = ParticipantDriver.start(payments.handlers());

    @Test
    void confirmsATriedStepOnceHoweverOftenConfirmArrives() {
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));

        StepReply first = participant.send(participant.command("saga-1", HOLD_FUNDS, CONFIRM).input(HOLD));
        StepReply second = participant.send(participant.command("saga-1", HOLD_FUNDS, CONFIRM).attempt(2).input(HOLD));

        assertThat(first.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(second.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(payments.calls(CONFIRM)).isEqualTo(1);
    }

    @Test
    void cancelsATriedStepOnceHoweverOftenCancelArrives() {
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));

        StepReply first = participant.send(participant.command("saga-1", HOLD_FUNDS, CANCEL).input(HOLD));
        StepReply second = participant.send(participant.command("saga-1", HOLD_FUNDS, CANCEL).attempt(2).input(HOLD));

        assertThat(first.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(second.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(payments.calls(CANCEL)).isEqualTo(1);
    }

    @Test
    void refusesConfirmAfterCancel() {
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));
        participant.send(participant.command("saga-1", HOLD_FUNDS, CANCEL).input(HOLD));

        StepReply confirm = participant.send(participant.command("saga-1", HOLD_FUNDS, CONFIRM).input(HOLD));

        assertThat(confirm.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(confirm.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_CANCELLED);
        assertThat(payments.calls(CONFIRM)).isZero();
    }

    @Test
    void refusesCancelAfterConfirm() {
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));
        participant.send(participant.command("saga-1", HOLD_FUNDS, CONFIRM).input(HOLD));

        StepReply cancel = participant.send(participant.command("saga-1", HOLD_FUNDS, CANCEL).input(HOLD));

        assertThat(cancel.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(cancel.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_CONFIRMED);
        assertThat(payments.calls(CANCEL)).isZero();
    }

    @Test
    void refusesConfirmForAStepWhoseTryDidNotSucceed() {
        StepReply withoutTry = participant.send(participant.command("saga-1", HOLD_FUNDS, CONFIRM).input(HOLD));
        payments.answer(TRY, StepResult.failed("INSUFFICIENT_FUNDS", "balance too low"));
        participant.send(participant.command("saga-2", HOLD_FUNDS, TRY).input(HOLD));
        StepReply afterRefusedTry = participant.send(participant.command("saga-2", HOLD_FUNDS, CONFIRM).input(HOLD));

        assertThat(withoutTry.getErrorCode()).isEqualTo(ParticipantErrorCodes.NOT_TRIED);
        assertThat(afterRefusedTry.getErrorCode()).isEqualTo(ParticipantErrorCodes.NOT_TRIED);
        assertThat(payments.calls(CONFIRM)).isZero();
    }

    @Test
    void callsConfirmAgainAfterARetryableConfirm() {
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));
        payments.answer(CONFIRM, StepResult.retryable("LEDGER_BUSY", "try later"));
        participant.send(participant.command("saga-1", HOLD_FUNDS, CONFIRM).input(HOLD));
        payments.answer(CONFIRM, StepResult.succeeded());

        StepReply retry = participant.send(participant.command("saga-1", HOLD_FUNDS, CONFIRM).attempt(2).input(HOLD));

        assertThat(retry.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(payments.calls(CONFIRM)).isEqualTo(2);
    }

    @Test
    void cancelsARefusedTryWithoutCallingTheHandler() {
        payments.answer(TRY, StepResult.failed("INSUFFICIENT_FUNDS", "balance too low"));
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));

        StepReply cancel = participant.send(participant.command("saga-1", HOLD_FUNDS, CANCEL).input(HOLD));

        assertThat(cancel.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(payments.calls(CANCEL)).isZero();
    }
}
