package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD;
import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD_FUNDS;
import static dev.sagaline.participant.testsupport.RecordingHandlers.ORDER;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static dev.sagaline.protocol.v1.StepAction.DO;
import static dev.sagaline.protocol.v1.StepAction.TRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.example.StockReservation;
import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** A command whose reply was committed is never handled again; only a retryable reply leaves the step open. */
class DuplicateCommandsTest {

    private final RecordingHandlers inventory = new RecordingHandlers();
    @AutoClose
    private final ParticipantDriver participant = ParticipantDriver.start(inventory.handlers());

    @Test
    void answersADuplicateCommandWithTheStoredReplyWithoutCallingTheHandler() {
        StepCommand reserve = participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER).build();

        StepReply first = participant.send(reserve);
        participant.advanceWallClock(Duration.ofMinutes(1));
        StepReply duplicate = participant.send(reserve);

        assertThat(first.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(duplicate).isEqualTo(first);
        assertThat(inventory.calls(DO)).isEqualTo(1);
    }

    @Test
    void answersAStoredReplyOnlyToTheSagaAndStepItWasGivenFor() {
        // Ids as an orchestrator that did not escape '/' built them: saga a/b step c and saga a step b/c.
        StepReply first = participant.send(participant.command("a/b", RESERVE_STOCK, DO).id("a/b/reserve-stock/DO/1").input(ORDER));
        StepReply otherSaga = participant.send(participant.command("a", RESERVE_STOCK, DO).id("a/b/reserve-stock/DO/1").input(ORDER));
        StepReply otherStep = participant.send(participant.command("a/b", HOLD_FUNDS, TRY).id("a/b/reserve-stock/DO/1").input(HOLD));

        assertThat(first.getSagaId()).isEqualTo("a/b");
        assertThat(otherSaga.getSagaId()).isEqualTo("a");
        assertThat(otherStep.getStep()).isEqualTo(HOLD_FUNDS);
        assertThat(inventory.calls(DO)).isEqualTo(2);
        assertThat(inventory.calls(TRY)).isEqualTo(1);
        assertThat(participant.send(participant.command("a", RESERVE_STOCK, DO).id("a/b/reserve-stock/DO/1").input(ORDER)))
                .isEqualTo(otherSaga);
        assertThat(inventory.calls(DO)).isEqualTo(2);
    }

    @Test
    void answersARetryAfterSuccessWithTheStepsOutputWithoutCallingTheHandler() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER));

        StepReply retry = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-2").attempt(2).input(ORDER));

        assertThat(retry.getCommandId()).isEqualTo("c-2");
        assertThat(retry.getAttempt()).isEqualTo(2);
        assertThat(retry.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(participant.decode(retry.getOutput(), StockReservation.class)).isEqualTo(RecordingHandlers.reservationFor(ORDER));
        assertThat(inventory.calls(DO)).isEqualTo(1);
    }

    @Test
    void answersARetryAfterARefusalWithTheSameRefusal() {
        inventory.answer(DO, StepResult.failed("OUT_OF_STOCK", "sku-42 is sold out"));
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER));

        StepReply retry = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-2").attempt(2).input(ORDER));

        assertThat(retry.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(retry.getErrorCode()).isEqualTo("OUT_OF_STOCK");
        assertThat(inventory.calls(DO)).isEqualTo(1);
    }

    @Test
    void runsTheHandlerAgainForARetryAfterARetryableError() {
        inventory.answer(DO, StepResult.retryable("WAREHOUSE_BUSY", "try later"));
        StepReply first = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER));
        inventory.whenCalled(DO, (input, context) -> StepResult.succeeded(RecordingHandlers.reservationFor((ReserveStock) input)));

        StepReply retry = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-2").attempt(2).input(ORDER));

        assertThat(first.getOutcome()).isEqualTo(StepOutcome.RETRYABLE_ERROR);
        assertThat(retry.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls()).extracting(RecordingHandlers.Call::commandId).containsExactly("c-1", "c-2");
    }

    @Test
    void answersARedeliveredRetryableCommandWithTheSameRetryableReply() {
        inventory.answer(DO, StepResult.retryable("WAREHOUSE_BUSY", "try later"));
        StepCommand reserve = participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER).build();
        StepReply first = participant.send(reserve);
        inventory.answer(DO, StepResult.succeeded());

        StepReply redelivered = participant.send(reserve);

        assertThat(redelivered).isEqualTo(first);
        assertThat(redelivered.getErrorCode()).isEqualTo("WAREHOUSE_BUSY");
        assertThat(inventory.calls(DO)).isEqualTo(1);
    }

    @Test
    void answersARedeliveredEarlierAttemptWithItsOwnReplyAfterALaterAttemptSucceeded() {
        inventory.answer(DO, StepResult.retryable("WAREHOUSE_BUSY", "try later"));
        StepCommand first = participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER).build();
        StepReply retryable = participant.send(first);
        inventory.whenCalled(DO, (input, context) -> StepResult.succeeded(RecordingHandlers.reservationFor((ReserveStock) input)));
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-2").attempt(2).input(ORDER));

        StepReply redelivered = participant.send(first);

        assertThat(redelivered).isEqualTo(retryable);
        assertThat(inventory.calls(DO)).isEqualTo(2);
    }

    @Test
    void remembersTheReplyThatClosesAStepOnceForBothItsCommandAndItsStep() {
        StepCommand reserve = participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER).build();

        StepReply first = participant.send(reserve);

        assertThat(participant.driver().createOutputTopic(
                ParticipantDriver.APPLICATION_ID + "-" + ParticipantTopology.PROCESSED_STORE + "-changelog",
                new ByteArrayDeserializer(), new ByteArrayDeserializer()).getQueueSize()).as("processed changelog records").isEqualTo(1);
        assertThat(participant.send(reserve)).isEqualTo(first);
        assertThat(inventory.calls(DO)).isEqualTo(1);
    }

    @Test
    void keepsStepsOfDifferentSagasApart() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        participant.send(participant.command("saga-2", RESERVE_STOCK, DO).input(ORDER));

        assertThat(inventory.calls(DO)).isEqualTo(2);
    }
}
