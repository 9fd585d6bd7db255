package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.ORDER;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static dev.sagaline.protocol.v1.StepAction.DO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.example.StockReservation;
import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** How a handler's result or exception becomes the reply, and what the handler sees of the command. */
class HandlerOutcomesTest {

    private final RecordingHandlers inventory = new RecordingHandlers();
    @AutoClose
    private final ParticipantDriver participant = ParticipantDriver.start(inventory.handlers());

    @Test
    void repliesToTheCommandsReplyTopicWithTheHandlersTypedOutput() {
        participant.advanceWallClock(Duration.ofSeconds(5));

        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER));

        assertThat(reply.getCommandId()).isEqualTo("c-1");
        assertThat(reply.getSagaId()).isEqualTo("saga-1");
        assertThat(reply.getStep()).isEqualTo(RESERVE_STOCK);
        assertThat(reply.getAction()).isEqualTo(DO);
        assertThat(reply.getAttempt()).isEqualTo(1);
        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(reply.getErrorCode()).isNull();
        assertThat(reply.getRepliedAtMs()).isEqualTo(ParticipantDriver.START.plusSeconds(5));
        assertThat(participant.decode(reply.getOutput(), StockReservation.class))
                .isEqualTo(new StockReservation("res-o-1", "sku-42", 2));
    }

    @Test
    void givesTheHandlerTheDecodedInputAndTheCommandsContext() {
        List<StepContext> contexts = new ArrayList<>();
        inventory.whenCalled(DO, (input, context) -> {
            contexts.add(context);
            return StepResult.succeeded();
        });

        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-9").attempt(3).input(ORDER));

        assertThat(inventory.calls()).singleElement().extracting(RecordingHandlers.Call::input).isEqualTo(ORDER);
        assertThat(contexts).singleElement().satisfies(context -> {
            assertThat(context.commandId()).isEqualTo("c-9");
            assertThat(context.sagaId()).isEqualTo("saga-1");
            assertThat(context.sagaType()).isEqualTo("checkout");
            assertThat(context.step()).isEqualTo(RESERVE_STOCK);
            assertThat(context.action()).isEqualTo(StepAction.DO);
            assertThat(context.attempt()).isEqualTo(3);
            assertThat(context.metadata()).isEqualTo(Map.of("traceId", "trace-saga-1"));
        });
    }

    @Test
    void repliesFailedWithTheCodeOfABusinessFailureException() {
        inventory.whenCalled(DO, (input, context) -> {
            throw new BusinessFailureException("OUT_OF_STOCK", "sku-42 is sold out");
        });

        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(reply.getErrorCode()).isEqualTo("OUT_OF_STOCK");
        assertThat(reply.getErrorMessage()).isEqualTo("sku-42 is sold out");
        assertThat(reply.getOutput()).isNull();
    }

    @Test
    void repliesRetryableWithTheCodeOfATransientFailureException() {
        inventory.whenCalled(DO, (input, context) -> {
            throw new TransientFailureException("WAREHOUSE_TIMEOUT", "no answer in 2s");
        });

        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.RETRYABLE_ERROR);
        assertThat(reply.getErrorCode()).isEqualTo("WAREHOUSE_TIMEOUT");
        assertThat(reply.getErrorMessage()).isEqualTo("no answer in 2s");
    }

    @Test
    void repliesRetryableWithTheClassNameOfAnyOtherException() {
        inventory.whenCalled(DO, (input, context) -> {
            throw new IllegalStateException("connection pool exhausted");
        });

        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.RETRYABLE_ERROR);
        assertThat(reply.getErrorCode()).isEqualTo("java.lang.IllegalStateException");
        assertThat(reply.getErrorMessage()).isEqualTo("connection pool exhausted");
    }

    @Test
    void repliesRetryableWhenTheHandlerReturnsNull() {
        inventory.whenCalled(DO, (input, context) -> null);

        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.RETRYABLE_ERROR);
        assertThat(reply.getErrorCode()).isEqualTo(ParticipantErrorCodes.NULL_RESULT);
    }

    @Test
    void refusesAnInputThatDoesNotDecodeWithoutCallingTheHandler() {
        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, DO)
                .rawInput(Payloads.json("{\"sku\": \"sku-42\"}")));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(reply.getErrorCode()).isEqualTo(ParticipantErrorCodes.INVALID_INPUT);
        assertThat(reply.getErrorMessage()).contains(ReserveStock.class.getName());
        assertThat(inventory.calls()).isEmpty();
    }

    @Test
    void sendsEachReplyToItsOwnCommandsReplyTopic() {
        participant.pipe(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER).replyTopic("elsewhere.replies").build());

        assertThat(participant.replies()).isEmpty();
        assertThat(participant.driver().producedTopicNames()).contains("elsewhere.replies");
    }
}
