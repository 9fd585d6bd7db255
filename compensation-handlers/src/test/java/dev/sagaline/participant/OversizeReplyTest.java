package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD;
import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD_FUNDS;
import static dev.sagaline.participant.testsupport.RecordingHandlers.ORDER;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVATION;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static dev.sagaline.protocol.v1.StepAction.CANCEL;
import static dev.sagaline.protocol.v1.StepAction.COMPENSATE;
import static dev.sagaline.protocol.v1.StepAction.CONFIRM;
import static dev.sagaline.protocol.v1.StepAction.DO;
import static dev.sagaline.protocol.v1.StepAction.TRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.example.StockReservation;
import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.util.List;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A handler whose reply would be larger than the participant may write
 * ({@value ParticipantConfig#REPLY_MAX_BYTES_CONFIG}): the handler ran and its effect stays, so the
 * step is answered FAILED (the orchestrator compensates it), the command goes to the dead-letter
 * topic, and a compensation calls the handler to undo the effect. Sent, such a reply would fail
 * the exactly-once producer on every retry.
 */
class OversizeReplyTest {

    private static final int LIMIT = 4096;
    /** A reservation whose reply is twice the limit. */
    private static final StockReservation HUGE = new StockReservation("res-huge", "x".repeat(2 * LIMIT), 2);

    private final RecordingHandlers inventory = new RecordingHandlers();
    @AutoClose
    private final ParticipantDriver participant = ParticipantDriver.start(inventory.handlers(),
            builder -> builder.property(ParticipantConfig.REPLY_MAX_BYTES_CONFIG, LIMIT));

    @Test
    void answersAForwardActionWhoseReplyIsTooLargeFailedAndDeadLettersTheCommand() {
        inventory.answer(DO, StepResult.succeeded(HUGE));
        StepCommand command = participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER).build();

        participant.pipe(command);

        StepReply reply = onlyReply();
        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(reply.getOutput()).isNull();
        assertThat(reply.getErrorCode()).isEqualTo(ParticipantErrorCodes.REPLY_TOO_LARGE);
        assertThat(reply.getErrorMessage()).matches("the reply of \\d+ bytes to DO of step 'reserve-stock' exceeds the limit of "
                + LIMIT + " bytes \\(" + ParticipantConfig.REPLY_MAX_BYTES_CONFIG + "\\).*");
        List<TestRecord<String, byte[]>> deadLetters = participant.deadLetters();
        assertThat(deadLetters).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.key()).isEqualTo("saga-1");
            assertThat(deadLetter.value()).isEqualTo(new ProtocolSerdes(participant.participant().schemaRegistry()).commands()
                    .serialize(ParticipantDriver.COMMAND_TOPIC, command));
            assertThat(DeadLetterHeaders.reason(deadLetter.headers())).contains(DeadLetterReason.REPLY_TOO_LARGE);
            assertThat(DeadLetterHeaders.detail(deadLetter.headers())).hasValueSatisfying(detail -> assertThat(detail)
                    .contains("command c-1").contains(reply.getErrorMessage()));
        });
        assertThat(deadLettersCounted(DeadLetterReason.REPLY_TOO_LARGE)).isEqualTo(1.0);
    }

    @Test
    void answersADuplicateOfTheCommandWithTheSameFailedReplyWithoutCallingTheHandler() {
        inventory.answer(DO, StepResult.succeeded(HUGE));
        StepCommand command = participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER).build();
        StepReply first = answeredTooLarge(command);

        StepReply again = participant.send(command);

        assertThat(again).isEqualTo(first);
        assertThat(inventory.calls(DO)).isEqualTo(1);
        assertThat(deadLettersCounted(DeadLetterReason.REPLY_TOO_LARGE)).as("counted once, for the first answer").isEqualTo(1.0);
    }

    @Test
    void answersARetryOfTheForwardActionWithTheSameFailure() {
        inventory.answer(DO, StepResult.succeeded(HUGE));
        StepReply first = answeredTooLarge(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER).build());

        StepReply retry = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).attempt(2).input(ORDER));

        assertThat(retry.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(retry.getErrorCode()).isEqualTo(first.getErrorCode());
        assertThat(inventory.calls(DO)).isEqualTo(1);
    }

    /** Unlike a refusal, the forward action was applied: its compensation must run, not an empty rollback. */
    @Test
    void callsTheCompensationOfAForwardActionWhoseReplyWasTooLarge() {
        inventory.answer(DO, StepResult.succeeded(HUGE));
        answeredTooLarge(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER).build());

        StepReply undone = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RESERVATION));

        assertThat(undone.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(COMPENSATE)).isEqualTo(1);
    }

    @Test
    void cancelsATryWhoseReplyWasTooLargeAndRefusesToConfirmIt() {
        inventory.answer(TRY, StepResult.failed("DECLINED", "y".repeat(2 * LIMIT)));
        answeredTooLarge(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD).build());

        StepReply confirm = participant.send(participant.command("saga-1", HOLD_FUNDS, CONFIRM).input(HOLD));
        StepReply cancel = participant.send(participant.command("saga-1", HOLD_FUNDS, CANCEL).input(HOLD));

        assertThat(confirm.getErrorCode()).isEqualTo(ParticipantErrorCodes.NOT_TRIED);
        assertThat(cancel.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(CANCEL)).isEqualTo(1);
    }

    /**
     * A compensation's reply is not small by construction (a handler may return an output or a long
     * message). Too large, it is answered FAILED like any other, which leaves the step
     * uncompensated: the next COMPENSATE calls the handler again, and the orchestrator's undo
     * retries end the saga STUCK, for an operator, if the handler keeps answering so.
     */
    @Test
    void answersACompensationWhoseReplyIsTooLargeFailedAndCallsItAgainOnTheNextAttempt() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        inventory.answer(COMPENSATE, StepResult.succeeded(HUGE));

        StepReply tooLarge = answeredTooLarge(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RESERVATION).build());
        inventory.answer(COMPENSATE, StepResult.succeeded());
        StepReply next = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).attempt(2).input(RESERVATION));

        assertThat(tooLarge.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(tooLarge.getErrorCode()).isEqualTo(ParticipantErrorCodes.REPLY_TOO_LARGE);
        assertThat(next.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(COMPENSATE)).isEqualTo(2);
    }

    @Test
    void sendsAReplyThatFitsTheLimitAsItIs() {
        StockReservation large = new StockReservation("res-large", "x".repeat(LIMIT / 2), 2);
        inventory.answer(DO, StepResult.succeeded(large));

        StepReply reply = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(participant.decode(reply.getOutput(), StockReservation.class)).isEqualTo(large);
    }

    /** Sends {@code command}, whose reply is too large, and returns the FAILED reply that replaced it. */
    private StepReply answeredTooLarge(StepCommand command) {
        participant.pipe(command);
        assertThat(participant.deadLetters()).singleElement().satisfies(deadLetter ->
                assertThat(DeadLetterHeaders.reason(deadLetter.headers())).contains(DeadLetterReason.REPLY_TOO_LARGE));
        StepReply reply = onlyReply();
        assertThat(reply.getErrorCode()).isEqualTo(ParticipantErrorCodes.REPLY_TOO_LARGE);
        return reply;
    }

    private StepReply onlyReply() {
        List<StepReply> replies = participant.replies();
        assertThat(replies).hasSize(1);
        return replies.get(0);
    }

    private double deadLettersCounted(DeadLetterReason reason) {
        return participant.driver().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(ParticipantTopology.DEAD_LETTERS_METRIC)
                        && e.getKey().group().equals(ParticipantTopology.METRICS_GROUP)
                        && reason.tag().equals(e.getKey().tags().get("reason")))
                .map(e -> e.getValue()).mapToDouble(metric -> ((Number) ((Metric) metric).metricValue()).doubleValue()).sum();
    }
}
