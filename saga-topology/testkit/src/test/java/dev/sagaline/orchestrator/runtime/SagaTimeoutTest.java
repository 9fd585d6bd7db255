package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEADLINE;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEFAULT_TIMEOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.SHIP_TIMEOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.TIMED_ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsTo;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.eventsOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastEventOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.stepsSent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepStatus;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A step whose reply does not come in time is retried, then failed; a saga past its deadline turns back. */
@ExtendWith(WellFormedHistories.class)
class SagaTimeoutTest {

    private static final Duration SCAN = Duration.ofMillis(100);

    @Test
    void timesOutAStepAfterTheConfiguredDefaultTimeout() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");

            kit.advanceTime(DEFAULT_TIMEOUT.minus(SCAN));
            assertThat(eventsOf(kit, "o-1", SagaEventKind.STEP_TIMED_OUT)).isEmpty();

            kit.advanceTime(SCAN);
            SagaEvent timedOut = lastEventOf(kit, "o-1", SagaEventKind.STEP_TIMED_OUT);
            assertThat(timedOut.getStep()).isEqualTo("reserve-stock");
            assertThat(timedOut.getErrorCode()).isEqualTo("TIMEOUT");
            assertThat(timedOut.getReason()).isEqualTo("DO attempt 1 timed out");
            assertThat(timedOut.getAction()).isEqualTo(StepAction.DO);
            assertThat(timedOut.getAttempt()).isEqualTo(1);
            assertThat(timedOut.getCommandId()).isEqualTo(kit.commands("o-1").get(0).commandId());
        }
    }

    @Test
    void timesOutAStepAfterItsOwnTimeout() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();

            kit.advanceTime(SHIP_TIMEOUT.minus(SCAN));
            assertThat(eventsOf(kit, "o-1", SagaEventKind.STEP_TIMED_OUT)).isEmpty();

            kit.advanceTime(SCAN);
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.STEP_TIMED_OUT).getStep()).isEqualTo("ship");
        }
    }

    @Test
    void timesOutALaterStepAtItsOwnTimeoutWhenTheSagaWasFirstDueEarlier() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.advanceTime(DEFAULT_TIMEOUT.dividedBy(2));
            kit.replyTo("o-1", "reserve-stock").succeed();
            int eventsBefore = kit.events("o-1").size();

            // past the first step's timeout: the saga's earlier due time passes with nothing due
            kit.advanceTime(DEFAULT_TIMEOUT.minus(SCAN));
            assertThat(kit.events("o-1")).hasSize(eventsBefore);
            assertThat(kit.commands("o-1")).hasSize(2);
            assertThat(kit.state("o-1").getStatus()).isEqualTo(SagaStatus.RUNNING);

            kit.advanceTime(SCAN);
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.STEP_TIMED_OUT).getStep()).isEqualTo("charge-payment");
        }
    }

    @Test
    void retriesATimedOutStepAsANewAttemptAfterTheBackoff() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");

            kit.advanceTime(DEFAULT_TIMEOUT.plus(FIRST_BACKOFF).minus(SCAN));
            assertThat(kit.commands("o-1")).hasSize(1);

            kit.advanceTime(SCAN);
            assertThat(kit.commands("o-1")).extracting(SentCommand::step, SentCommand::attempt)
                    .containsExactly(tuple("reserve-stock", 1), tuple("reserve-stock", 2));
            assertThat(kit.commands("o-1")).extracting(SentCommand::commandId).doesNotHaveDuplicates();
        }
    }

    @Test
    void compensatesAStepThatTimedOutOnEveryAttempt() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.advanceTime(DEFAULT_TIMEOUT.multipliedBy(3).plus(FIRST_BACKOFF.multipliedBy(3)));

            assertThat(eventsOf(kit, "o-1", SagaEventKind.STEP_TIMED_OUT)).hasSize(3);
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.STEP_FAILED).getErrorCode()).isEqualTo("TIMEOUT");
            assertThat(kit.commands("o-1")).extracting(SentCommand::action, SentCommand::attempt).containsExactly(
                    tuple(StepAction.DO, 1), tuple(StepAction.DO, 2), tuple(StepAction.DO, 3), tuple(StepAction.COMPENSATE, 1));

            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.assertThat("o-1").isCompensated().compensatedInOrder("reserve-stock");
        }
    }

    @Test
    void compensatesWhenTheDefinitionsDeadlinePasses() {
        try (SagaTestKit kit = kit(TIMED_ORDER)) {
            kit.start("t-1", "timed-order");
            kit.replyTo("t-1", "reserve-stock").succeed();
            kit.replyTo("t-1", "charge-payment").retryableError("BUSY", "later");

            kit.advanceTime(DEADLINE.minus(SCAN));
            kit.assertThat("t-1").hasStatus(SagaStatus.RUNNING);

            kit.advanceTime(SCAN);
            kit.assertThat("t-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(lastEventOf(kit, "t-1", SagaEventKind.COMPENSATION_STARTED).getReason()).startsWith("deadline");
            assertThat(stepsSent(kit, "t-1", StepAction.COMPENSATE)).containsExactly("charge-payment");
        }
    }

    @Test
    void compensatesWhenTheDeadlineOfTheStartRequestPasses() {
        try (SagaTestKit kit = kit(ORDER)) {
            Instant deadline = kit.now().plus(Duration.ofSeconds(20));
            kit.request(SagaRequest.newBuilder().setSagaId("o-1")
                    .setBody(StartSaga.newBuilder().setSagaType("order").setDeadlineMs(deadline).build()).build());
            kit.replyTo("o-1", "reserve-stock").succeed();

            kit.advanceTime(Duration.ofSeconds(20).minus(SCAN));
            kit.assertThat("o-1").hasStatus(SagaStatus.RUNNING);

            kit.advanceTime(SCAN);
            kit.assertThat("o-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(stepsSent(kit, "o-1", StepAction.COMPENSATE)).containsExactly("charge-payment");
        }
    }

    @Test
    void keepsTheEarlierOfTheRequestedAndTheDefinitionsDeadline() {
        try (SagaTestKit kit = kit(TIMED_ORDER)) {
            Instant later = kit.now().plus(DEADLINE).plus(DEADLINE);
            kit.request(SagaRequest.newBuilder().setSagaId("t-1")
                    .setBody(StartSaga.newBuilder().setSagaType("timed-order").setDeadlineMs(later).build()).build());

            assertThat(kit.state("t-1").getDeadlineMs()).isEqualTo(kit.now().plus(DEADLINE));
        }
    }

    @Test
    void compensatesAStepStillAwaitingItsReplyAtOnceWhenTheDeadlinePasses() {
        try (SagaTestKit kit = kit(TIMED_ORDER)) {
            kit.start("t-1", "timed-order");
            kit.replyTo("t-1", "reserve-stock").succeed();
            kit.advanceTime(DEADLINE.minus(Duration.ofSeconds(10)));
            assertThat(kit.state("t-1").getSteps().get(1).getCommandId()).as("charge-payment awaits its reply").isNotNull();

            kit.advanceTime(Duration.ofSeconds(10));

            assertThat(commandsTo(kit, "t-1", "charge-payment")).extracting(SentCommand::action)
                    .containsExactly(StepAction.DO, StepAction.DO, StepAction.COMPENSATE);
            assertThat(kit.state("t-1").getSteps().get(1).getStatus()).isEqualTo(StepStatus.UNDOING);
            kit.replyTo("t-1", "charge-payment").succeed();
            kit.replyTo("t-1", "reserve-stock").succeed();
            kit.assertThat("t-1").isCompensated().compensatedInOrder("charge-payment", "reserve-stock");
        }
    }
}
