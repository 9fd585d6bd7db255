package dev.sagaline.participant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ProcessedCommandStore} must do; run against each implementation. */
abstract class ProcessedCommandStoreContract {

    private ProcessedCommandStore store;

    /** A new, empty store. */
    protected abstract ProcessedCommandStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    @Test
    void remembersTheReplyToACommandIdForItsSagaAndStepOnly() {
        StepReply reply = reply("a/b/c/DO/1", "a/b", "c", 1_000);

        store.putReply(reply);

        assertThat(store.reply("a/b", "c", "a/b/c/DO/1")).contains(reply);
        assertThat(store.reply("a", "b/c", "a/b/c/DO/1")).isEmpty();
        assertThat(store.reply("a/b", "c", "a/b/c/DO/2")).isEmpty();
    }

    @Test
    void keepsStepRepliesApartBySagaStepAndStage() {
        StepReply forward = reply("c-1", "a/b", "c", 1_000);
        StepReply closing = reply("c-2", "a/b", "c", 2_000);
        StepReply lookalike = reply("c-3", "a", "b/c", 3_000);

        store.putStepReply(StepStage.FORWARD, forward);
        store.putStepReply(StepStage.CLOSING, closing);
        store.putStepReply(StepStage.FORWARD, lookalike);

        assertThat(store.stepReply("a/b", "c", StepStage.FORWARD)).contains(forward);
        assertThat(store.stepReply("a/b", "c", StepStage.CLOSING)).contains(closing);
        assertThat(store.stepReply("a", "b/c", StepStage.FORWARD)).contains(lookalike);
        assertThat(store.stepReply("a", "b/c", StepStage.CLOSING)).isEmpty();
    }

    @Test
    void replacesAStepReply() {
        store.putStepReply(StepStage.FORWARD, reply("c-1", "saga-1", "reserve-stock", 1_000));
        StepReply later = reply("c-2", "saga-1", "reserve-stock", 2_000);

        store.putStepReply(StepStage.FORWARD, later);

        assertThat(store.stepReply("saga-1", "reserve-stock", StepStage.FORWARD)).contains(later);
    }

    @Test
    void neverPurgesTheEntriesOfASagaThatHasNotFinished() {
        store.putReply(reply("c-1", "saga-1", "reserve-stock", 1_000));
        store.putStepReply(StepStage.FORWARD, reply("c-1", "saga-1", "reserve-stock", 1_000));

        assertThat(store.purgeOlderThan(Long.MAX_VALUE - 1, Integer.MAX_VALUE).removed()).isZero();

        assertThat(store.reply("saga-1", "reserve-stock", "c-1")).isPresent();
        assertThat(store.stepReply("saga-1", "reserve-stock", StepStage.FORWARD)).isPresent();
    }

    @Test
    void countsTheRetentionOfAFinishedSagaFromItsFinishNotice() {
        store.putReply(reply("c-1", "saga-1", "reserve-stock", 1_000));
        store.putStepReply(StepStage.FORWARD, reply("c-1", "saga-1", "reserve-stock", 1_000));
        store.putReply(reply("c-2", "saga-2", "reserve-stock", 1_000));
        store.sagaFinished("saga-1", 5_000);

        assertThat(store.purgeOlderThan(4_999, Integer.MAX_VALUE).removed()).isZero();
        ProcessedCommandStore.Purge purge = store.purgeOlderThan(5_000, Integer.MAX_VALUE);

        assertThat(purge).isEqualTo(new ProcessedCommandStore.Purge(2, 0, false));
        assertThat(store.reply("saga-1", "reserve-stock", "c-1")).isEmpty();
        assertThat(store.stepReply("saga-1", "reserve-stock", StepStage.FORWARD)).isEmpty();
        assertThat(store.reply("saga-2", "reserve-stock", "c-2")).isPresent();
    }

    @Test
    void keepsTheFinishedSagasOwnEntriesApartFromALookalikeSagas() {
        store.putReply(reply("c-1", "saga-1", "reserve-stock", 1_000));
        store.putReply(reply("c-2", "saga-10", "reserve-stock", 1_000));
        store.putReply(reply("c-3", "saga-", "reserve-stock", 1_000));
        store.sagaFinished("saga-1", 2_000);

        assertThat(store.purgeOlderThan(2_000, Integer.MAX_VALUE).removed()).isEqualTo(1);

        assertThat(store.reply("saga-10", "reserve-stock", "c-2")).isPresent();
        assertThat(store.reply("saga-", "reserve-stock", "c-3")).isPresent();
    }

    @Test
    void keepsAnEntryWrittenAfterTheFinishForARetentionFromItsWrite() {
        store.putStepReply(StepStage.FORWARD, reply("c-1", "saga-1", "reserve-stock", 1_000));
        store.sagaFinished("saga-1", 1_000);
        store.putStepReply(StepStage.FORWARD, reply("c-2", "saga-1", "reserve-stock", 5_000));

        assertThat(store.purgeOlderThan(2_000, Integer.MAX_VALUE).removed()).isZero();

        assertThat(store.stepReply("saga-1", "reserve-stock", StepStage.FORWARD))
                .get().extracting(StepReply::getCommandId).isEqualTo("c-2");
        assertThat(store.purgeOlderThan(5_000, Integer.MAX_VALUE)).isEqualTo(new ProcessedCommandStore.Purge(1, 0, false));
    }

    @Test
    void repeatsAFinishNoticeWithoutMovingTheRetention() {
        store.putReply(reply("c-1", "saga-1", "reserve-stock", 1_000));
        store.sagaFinished("saga-1", 2_000);
        store.sagaFinished("saga-1", 9_000);

        assertThat(store.purgeOlderThan(2_000, Integer.MAX_VALUE).removed()).isEqualTo(1);
    }

    @Test
    void purgesAtMostTheGivenNumberOfKeysPerCall() {
        for (int saga = 1; saga <= 3; saga++) {
            store.putReply(reply("c-" + saga, "saga-" + saga, "reserve-stock", 1_000));
            store.sagaFinished("saga-" + saga, 1_000 + saga);
        }

        ProcessedCommandStore.Purge first = store.purgeOlderThan(10_000, 2);
        ProcessedCommandStore.Purge second = store.purgeOlderThan(10_000, 2);
        ProcessedCommandStore.Purge third = store.purgeOlderThan(10_000, 2);

        assertThat(first).isEqualTo(new ProcessedCommandStore.Purge(1, 0, true));
        assertThat(second.more()).isTrue();
        assertThat(third).isEqualTo(new ProcessedCommandStore.Purge(1, 0, false));
        assertThat(first.removed() + second.removed() + third.removed()).isEqualTo(3);
        assertThat(store.purgeOlderThan(10_000, 2)).isEqualTo(new ProcessedCommandStore.Purge(0, 0, false));
    }

    @Test
    void purgesNothingBeforeTheEpoch() {
        store.putReply(reply("c-1", "saga-1", "reserve-stock", 0));
        store.sagaFinished("saga-1", 0);

        assertThat(store.purgeOlderThan(-1, Integer.MAX_VALUE).removed()).isZero();
        assertThat(store.reply("saga-1", "reserve-stock", "c-1")).isPresent();
    }

    @Test
    void ordersTimesBeyondOneHexDigitChange() {
        store.putReply(reply("c-1", "saga-1", "reserve-stock", 0xF));
        store.sagaFinished("saga-1", 0xF);
        store.putReply(reply("c-2", "saga-2", "reserve-stock", 0x10));
        store.sagaFinished("saga-2", 0x10);

        assertThat(store.purgeOlderThan(0xF, Integer.MAX_VALUE).removed()).isEqualTo(1);
        assertThat(store.reply("saga-2", "reserve-stock", "c-2")).isPresent();
    }

    private static StepReply reply(String commandId, String sagaId, String step, long atMs) {
        return StepReply.newBuilder()
                .setCommandId(commandId)
                .setSagaId(sagaId)
                .setStep(step)
                .setAction(StepAction.DO)
                .setAttempt(1)
                .setOutcome(StepOutcome.SUCCEEDED)
                .setRepliedAtMs(Instant.ofEpochMilli(atMs))
                .build();
    }
}
