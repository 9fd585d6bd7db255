package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEFAULT_TIMEOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsTo;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.kinds;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastEventOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Only the reply to a step's outstanding command counts. A duplicate, a reply to an earlier or
 * timed-out attempt, or a reply after the saga finished is recorded and changes nothing else.
 */
@ExtendWith(WellFormedHistories.class)
class SagaRepliesTest {

    @Test
    void ignoresADuplicateReply() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            SentCommand reserve = kit.lastCommand("o-1", "reserve-stock").orElseThrow();
            kit.replyTo(reserve).succeed();

            assertChangesNothingButTheLog(kit, "o-1", k -> k.replyTo(reserve).succeed());

            SagaEvent ignored = lastEventOf(kit, "o-1", SagaEventKind.DUPLICATE_REPLY_IGNORED);
            assertThat(ignored.getStep()).isEqualTo("reserve-stock");
            assertThat(ignored.getCommandId()).isEqualTo(reserve.commandId());
            assertThat(ignored.getAttempt()).isEqualTo(1);
        }
    }

    @Test
    void ignoresADuplicateOfARetryableErrorWhileTheRetryWaits() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            SentCommand first = kit.lastCommand("o-1", "reserve-stock").orElseThrow();
            kit.replyTo(first).retryableError("BUSY", "later");

            assertChangesNothingButTheLog(kit, "o-1", k -> k.replyTo(first).retryableError("BUSY", "later"));

            assertThat(kinds(kit, "o-1")).last().isEqualTo(SagaEventKind.DUPLICATE_REPLY_IGNORED);
        }
    }

    @Test
    void ignoresAReplyToAnEarlierAttempt() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            SentCommand first = kit.lastCommand("o-1", "reserve-stock").orElseThrow();
            kit.replyTo(first).retryableError("BUSY", "later");
            kit.advanceTime(FIRST_BACKOFF);

            assertChangesNothingButTheLog(kit, "o-1", k -> k.replyTo(first).fail("OUT_OF_STOCK", "none left"));

            assertThat(lastEventOf(kit, "o-1", SagaEventKind.LATE_REPLY_IGNORED).getCommandId()).isEqualTo(first.commandId());
            kit.assertThat("o-1").hasStatus(SagaStatus.RUNNING);
        }
    }

    @Test
    void ignoresAReplyToAnAttemptThatTimedOutAndWasRetried() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            SentCommand first = kit.lastCommand("o-1", "reserve-stock").orElseThrow();
            kit.advanceTime(DEFAULT_TIMEOUT.plus(FIRST_BACKOFF));
            assertThat(commandsTo(kit, "o-1", "reserve-stock")).hasSize(2);

            assertChangesNothingButTheLog(kit, "o-1", k -> k.replyTo(first).succeed());

            assertThat(kinds(kit, "o-1")).last().isEqualTo(SagaEventKind.LATE_REPLY_IGNORED);
        }
    }

    @Test
    void ignoresAReplyToAnAttemptThatTimedOutBeforeItsRetryIsSent() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            SentCommand first = kit.lastCommand("o-1", "reserve-stock").orElseThrow();
            kit.advanceTime(DEFAULT_TIMEOUT);
            assertThat(kinds(kit, "o-1")).endsWith(SagaEventKind.STEP_TIMED_OUT, SagaEventKind.STEP_RETRY_SCHEDULED);

            assertChangesNothingButTheLog(kit, "o-1", k -> k.replyTo(first).succeed());

            assertThat(kinds(kit, "o-1")).as("a reply to a timed-out command is late, not a duplicate: none came before")
                    .last().isEqualTo(SagaEventKind.LATE_REPLY_IGNORED);
            kit.advanceTime(FIRST_BACKOFF);
            assertThat(commandsTo(kit, "o-1", "reserve-stock")).extracting(SentCommand::attempt).containsExactly(1, 2);
        }
    }

    @Test
    void ignoresALateSuccessOfAStepThatIsBeingCompensated() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.advanceTime(DEFAULT_TIMEOUT.multipliedBy(3).plus(FIRST_BACKOFF.multipliedBy(3)));
            SentCommand lastTry = commandsTo(kit, "o-1", "reserve-stock").get(2);
            assertThat(kit.lastCommand("o-1", "reserve-stock").orElseThrow().action()).isEqualTo(StepAction.COMPENSATE);

            assertChangesNothingButTheLog(kit, "o-1", k -> k.replyTo(lastTry).succeed());

            kit.assertThat("o-1").hasStatus(SagaStatus.COMPENSATING).hasEvent(SagaEventKind.LATE_REPLY_IGNORED);
        }
    }

    @Test
    void ignoresAReplyAfterTheSagaFinished() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            SentCommand first = kit.lastCommand("o-1", "reserve-stock").orElseThrow();
            kit.advanceTime(DEFAULT_TIMEOUT.plus(FIRST_BACKOFF));
            kit.replyTo("o-1", "reserve-stock").fail("OUT_OF_STOCK", "none left");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.assertThat("o-1").isCompensated();

            assertChangesNothingButTheLog(kit, "o-1", k -> k.replyTo(first).succeed());

            kit.assertThat("o-1").isCompensated();
            assertThat(kinds(kit, "o-1")).last().isEqualTo(SagaEventKind.LATE_REPLY_IGNORED);
        }
    }

    @Test
    void ignoresADuplicateOfTheReplyThatCompletedTheSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "ship").succeed();

            assertChangesNothingButTheLog(kit, "o-1", k -> k.replyTo("o-1", "ship").fail("NO_COURIER", "too late"));

            kit.assertThat("o-1").isCompleted().compensatedNothing();
            assertThat(kinds(kit, "o-1")).last().isEqualTo(SagaEventKind.DUPLICATE_REPLY_IGNORED);
        }
    }

    /** Runs {@code input} and checks it added one event and changed nothing else: no command, same state. */
    private static void assertChangesNothingButTheLog(SagaTestKit kit, String sagaId, Consumer<SagaTestKit> input) {
        SagaState before = kit.state(sagaId);
        int commands = kit.commands(sagaId).size();
        int events = kit.events(sagaId).size();

        input.accept(kit);

        SagaState after = kit.state(sagaId);
        assertThat(kit.commands(sagaId)).hasSize(commands);
        assertThat(kit.events(sagaId)).hasSize(events + 1);
        assertThat(after.getEventSequence()).isEqualTo(before.getEventSequence() + 1);
        after.setEventSequence(before.getEventSequence());
        assertThat(after).isEqualTo(before);
    }
}
