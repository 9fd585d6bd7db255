package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD;
import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD_FUNDS;
import static dev.sagaline.participant.testsupport.RecordingHandlers.ORDER;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVATION;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static dev.sagaline.protocol.v1.StepAction.CANCEL;
import static dev.sagaline.protocol.v1.StepAction.COMPENSATE;
import static dev.sagaline.protocol.v1.StepAction.DO;
import static dev.sagaline.protocol.v1.StepAction.TRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Empty rollback, anti-hanging, and which DOs get their compensation called. */
class RollbackRulesTest {

    private final RecordingHandlers inventory = new RecordingHandlers();
    @AutoClose
    private final ParticipantDriver participant = ParticipantDriver.start(inventory.handlers());

    @Test
    void compensateForADoNeverHandledSucceedsWithoutCallingTheHandler() {
        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RESERVATION));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls()).isEmpty();
    }

    @Test
    void cancelForATryNeverHandledSucceedsWithoutCallingTheHandler() {
        StepReply reply = participant.send(participant.command("saga-1", HOLD_FUNDS, CANCEL).input(HOLD));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls()).isEmpty();
    }

    @Test
    void refusesADoArrivingAfterItsCompensationWithoutCallingTheHandler() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RESERVATION));

        StepReply lateDo = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        assertThat(lateDo.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(lateDo.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_ROLLED_BACK);
        assertThat(inventory.calls()).isEmpty();
    }

    @Test
    void refusesATryArrivingAfterItsCancelWithoutCallingTheHandler() {
        participant.send(participant.command("saga-1", HOLD_FUNDS, CANCEL).input(HOLD));

        StepReply lateTry = participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));

        assertThat(lateTry.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(lateTry.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_ROLLED_BACK);
        assertThat(inventory.calls()).isEmpty();
    }

    @Test
    void refusesADoAfterARealCompensationToo() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RESERVATION));

        StepReply retry = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).attempt(2).input(ORDER));

        assertThat(retry.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_ROLLED_BACK);
        assertThat(inventory.calls(DO)).isEqualTo(1);
    }

    @Test
    void compensatesASuccessfulDoByCallingTheCompensationWithItsInput() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RESERVATION));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls()).extracting(RecordingHandlers.Call::action, RecordingHandlers.Call::input)
                .containsExactly(tuple(DO, ORDER), tuple(COMPENSATE, RESERVATION));
    }

    @Test
    void answersRepeatedCompensationsWithoutCallingTheHandlerAgain() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RESERVATION));

        StepReply again = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).attempt(2).input(RESERVATION));

        assertThat(again.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(COMPENSATE)).isEqualTo(1);
    }

    @Test
    void compensatesARefusedDoWithoutCallingTheHandler() {
        inventory.answer(DO, StepResult.failed("OUT_OF_STOCK", "sold out"));
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(COMPENSATE)).isZero();
    }

    @Test
    void compensatesADoThatEndedWithARetryableErrorByCallingTheCompensation() {
        inventory.whenCalled(DO, (input, context) -> {
            throw new TransientFailureException("WAREHOUSE_TIMEOUT", "timed out after writing the reservation");
        });
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RESERVATION));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(COMPENSATE)).isEqualTo(1);
    }

    @Test
    void callsAFailedCompensationAgainOnTheNextCompensate() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        inventory.answer(COMPENSATE, StepResult.retryable("WAREHOUSE_BUSY", "try later"));
        StepReply first = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RESERVATION));
        inventory.answer(COMPENSATE, StepResult.succeeded());

        StepReply second = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).attempt(2).input(RESERVATION));

        assertThat(first.getOutcome()).isEqualTo(StepOutcome.RETRYABLE_ERROR);
        assertThat(second.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(COMPENSATE)).isEqualTo(2);
    }
}
