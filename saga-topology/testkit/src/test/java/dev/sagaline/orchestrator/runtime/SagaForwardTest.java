package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.INVENTORY;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.kinds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Going forward: one step at a time, each on its reply, until the saga completes. */
@ExtendWith(WellFormedHistories.class)
class SagaForwardTest {

    @Test
    void commandsTheFirstStepWhenTheSagaStarts() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");

            assertThat(kit.commands("o-1")).singleElement().satisfies(c -> {
                assertThat(c.topic()).isEqualTo(INVENTORY);
                assertThat(c.step()).isEqualTo("reserve-stock");
                assertThat(c.action()).isEqualTo(StepAction.DO);
                assertThat(c.attempt()).isEqualTo(1);
                assertThat(c.command().getReplyTopic()).isEqualTo("sagaline.replies");
            });
            kit.assertThat("o-1").hasStatus(SagaStatus.RUNNING).hasEvents(SagaEventKind.STARTED, SagaEventKind.STEP_COMMANDED);
        }
    }

    @Test
    void movesToTheNextStepWhenAStepSucceeds() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();

            assertThat(kit.commands("o-1")).extracting(SentCommand::step, SentCommand::action)
                    .containsExactly(tuple("reserve-stock", StepAction.DO), tuple("charge-payment", StepAction.DO));
            kit.assertThat("o-1").hasStatus(SagaStatus.RUNNING);
        }
    }

    @Test
    void completesWhenTheLastStepSucceeds() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "ship").succeed();

            kit.assertThat("o-1").isCompleted().hasNoPendingCommands().compensatedNothing();
            assertThat(kinds(kit, "o-1")).endsWith(SagaEventKind.STEP_SUCCEEDED, SagaEventKind.COMPLETED);
            assertThat(kit.state("o-1").getFinishedAtMs()).isEqualTo(kit.now());
        }
    }

    @Test
    void sendsNothingMoreAfterTheSagaCompleted() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "ship").succeed();
            int sent = kit.commands("o-1").size();

            kit.advanceTime(Duration.ofMinutes(10));

            assertThat(kit.commands("o-1")).hasSize(sent);
            kit.assertThat("o-1").isCompleted();
        }
    }

    @Test
    void passesAStepsOutputToTheStepThatAsksForIt() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order", null, Payloads.json("{\"order\":\"o-1\"}"));
            kit.replyTo("o-1", "reserve-stock").succeedWith(Payloads.json("{\"reservation\":\"r-9\"}"));

            assertThat(kit.commands("o-1")).extracting(c -> Payloads.jsonText(c.command().getInput()))
                    .containsExactly("{\"order\":\"o-1\"}", "{\"reservation\":\"r-9\"}");
        }
    }

    @Test
    void ignoresASecondStartOfTheSameSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            SagaState before = kit.state("o-1");

            kit.start("o-1", "order");

            SagaState after = kit.state("o-1");
            assertThat(kinds(kit, "o-1")).last().isEqualTo(SagaEventKind.DUPLICATE_START_IGNORED);
            assertThat(after.getEventSequence()).isEqualTo(before.getEventSequence() + 1);
            after.setEventSequence(before.getEventSequence());
            assertThat(after).isEqualTo(before);
            assertThat(kit.commands("o-1")).hasSize(2);
        }
    }
}
