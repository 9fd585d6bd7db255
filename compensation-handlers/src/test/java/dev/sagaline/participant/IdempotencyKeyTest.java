package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD;
import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD_FUNDS;
import static dev.sagaline.participant.testsupport.RecordingHandlers.ORDER;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static dev.sagaline.protocol.v1.StepAction.CANCEL;
import static dev.sagaline.protocol.v1.StepAction.COMPENSATE;
import static dev.sagaline.protocol.v1.StepAction.CONFIRM;
import static dev.sagaline.protocol.v1.StepAction.DO;
import static dev.sagaline.protocol.v1.StepAction.TRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepAction;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Handlers key external effects by a key that every attempt of one action of one step shares. */
class IdempotencyKeyTest {

    private final RecordingHandlers inventory = new RecordingHandlers();
    @AutoClose
    private final ParticipantDriver participant = ParticipantDriver.start(inventory.handlers());

    @Test
    void givesEveryAttemptOfAForwardActionTheSameKeyAndItsUndoAnother() {
        inventory.answer(DO, StepResult.retryable("TIMEOUT", "the warehouse did not answer"));
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER));
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-2").attempt(2).input(ORDER));
        participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).id("c-3").input(RecordingHandlers.reservationFor(ORDER)));
        participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).id("c-4").attempt(2)
                .input(RecordingHandlers.reservationFor(ORDER)));

        assertThat(inventory.calls()).extracting(RecordingHandlers.Call::idempotencyKey).containsExactly(
                "saga-1/reserve-stock/FORWARD", "saga-1/reserve-stock/FORWARD", "saga-1/reserve-stock/UNDO");
    }

    @Test
    void givesATccStepOneKeyForItsTryOneForItsConfirmAndOneForItsCancel() {
        Map<StepAction, String> keys = Set.of(TRY, CONFIRM, CANCEL).stream()
                .collect(Collectors.toMap(action -> action, action -> context("saga-1", HOLD_FUNDS, action, 3).idempotencyKey()));

        assertThat(keys).containsEntry(TRY, "saga-1/hold-funds/FORWARD")
                .containsEntry(CONFIRM, "saga-1/hold-funds/CONFIRM")
                .containsEntry(CANCEL, "saga-1/hold-funds/UNDO");
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));
        assertThat(inventory.calls()).extracting(RecordingHandlers.Call::idempotencyKey).containsExactly(keys.get(TRY));
    }

    @Test
    void keepsTheKeysOfLookalikeSagaAndStepNamesApart() {
        String sagaWithSlash = context("a/b", "c", DO, 1).idempotencyKey();
        String stepWithSlash = context("a", "b/c", DO, 1).idempotencyKey();
        String percent = context("a%2Fb", "c", DO, 1).idempotencyKey();

        assertThat(Set.of(sagaWithSlash, stepWithSlash, percent)).hasSize(3);
        assertThat(sagaWithSlash).isEqualTo("a%2Fb/c/FORWARD");
    }

    private static StepContext context(String sagaId, String step, StepAction action, int attempt) {
        return new StepContext(sagaId + "/" + attempt, sagaId, "order", 1, step, action, attempt, Instant.EPOCH, Map.of());
    }
}
