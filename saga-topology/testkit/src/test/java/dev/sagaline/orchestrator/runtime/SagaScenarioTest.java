package dev.sagaline.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SagaScenarioTest {

    private static final SagaDefinition ORDER = SagaDefinition.named("order")
            .step("reserve-stock").on("inventory.commands").compensatable().timeout(Duration.ofSeconds(10))
            .step("charge-payment").on("payment.commands").compensatable()
            .step("ship").on("shipping.commands").compensatable()
            .build();

    @Test
    void completesWhenEveryStepSucceeds() {
        try (SagaTestKit kit = SagaTestKit.of(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "ship").succeed();
            kit.assertThat("o-1").isCompleted().hasNoPendingCommands().compensatedNothing();
        }
    }

    @Test
    void compensatesCompletedStepsInReverseOrderWhenAStepFails() {
        try (SagaTestKit kit = SagaTestKit.of(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "ship").fail("NO_COURIER", "none");
            assertThat(kit.lastCommand("o-1", "ship").orElseThrow().action()).isEqualTo(StepAction.COMPENSATE);
            kit.replyTo("o-1", "ship").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.assertThat("o-1").isCompensated().compensatedInOrder("ship", "charge-payment", "reserve-stock");
        }
    }

    @Test
    void retriesATimedOutStepThenCompensatesIt() {
        try (SagaTestKit kit = SagaTestKit.of(ORDER)) {
            kit.start("o-1", "order");
            kit.advanceTime(Duration.ofMinutes(2));
            assertThat(kit.commands("o-1")).extracting(SentCommand::action, SentCommand::attempt)
                    .startsWith(org.assertj.core.groups.Tuple.tuple(StepAction.DO, 1), org.assertj.core.groups.Tuple.tuple(StepAction.DO, 2),
                            org.assertj.core.groups.Tuple.tuple(StepAction.DO, 3), org.assertj.core.groups.Tuple.tuple(StepAction.COMPENSATE, 1));
        }
    }
}
