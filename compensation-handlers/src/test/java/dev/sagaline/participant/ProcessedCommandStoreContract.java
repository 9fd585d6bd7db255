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
    void remembersTheReplyToACommandId() {
        StepReply reply = reply("c-1", "saga-1", "reserve-stock", 1_000);

        store.putReply(reply);

        assertThat(store.reply("c-1")).contains(reply);
        assertThat(store.reply("c-2")).isEmpty();
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
    void purgesEntriesWrittenAtOrBeforeTheCutoffOnly() {
        store.putReply(reply("c-old", "saga-1", "reserve-stock", 1_000));
        store.putStepReply(StepStage.FORWARD, reply("c-old", "saga-1", "reserve-stock", 1_000));
        store.putReply(reply("c-edge", "saga-2", "reserve-stock", 2_000));
        store.putReply(reply("c-new", "saga-3", "reserve-stock", 2_001));

        int removed = store.purgeOlderThan(2_000);

        assertThat(removed).isEqualTo(3);
        assertThat(store.reply("c-old")).isEmpty();
        assertThat(store.stepReply("saga-1", "reserve-stock", StepStage.FORWARD)).isEmpty();
        assertThat(store.reply("c-edge")).isEmpty();
        assertThat(store.reply("c-new")).isPresent();
        assertThat(store.purgeOlderThan(2_000)).isZero();
    }

    @Test
    void keepsAnEntryRewrittenAfterTheCutoff() {
        store.putStepReply(StepStage.FORWARD, reply("c-1", "saga-1", "reserve-stock", 1_000));
        store.putStepReply(StepStage.FORWARD, reply("c-2", "saga-1", "reserve-stock", 5_000));

        store.purgeOlderThan(2_000);

        assertThat(store.stepReply("saga-1", "reserve-stock", StepStage.FORWARD))
                .get().extracting(StepReply::getCommandId).isEqualTo("c-2");
        assertThat(store.purgeOlderThan(5_000)).isEqualTo(1);
    }

    @Test
    void purgesNothingBeforeTheEpoch() {
        store.putReply(reply("c-1", "saga-1", "reserve-stock", 0));

        assertThat(store.purgeOlderThan(-1)).isZero();
        assertThat(store.reply("c-1")).isPresent();
    }

    @Test
    void ordersTimesBeyondOneHexDigitChange() {
        store.putReply(reply("c-1", "saga-1", "reserve-stock", 0xF));
        store.putReply(reply("c-2", "saga-1", "reserve-stock", 0x10));

        assertThat(store.purgeOlderThan(0xF)).isEqualTo(1);
        assertThat(store.reply("c-2")).isPresent();
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
