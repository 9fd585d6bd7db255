package dev.sagaline.orchestrator.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SagaTestKitMisuseTest {

    private static final SagaDefinition ORDER = SagaDefinition.named("order")
            .step("reserve-stock").on("inventory.commands").compensatable()
            .step("charge-payment").on("payment.commands").compensatable()
            .build();

    @Test
    void refusesToReplyToAStepThatWasNeverCommanded() {
        try (SagaTestKit kit = SagaTestKit.of(ORDER)) {
            kit.start("o-1", "order");
            assertThatThrownBy(() -> kit.replyTo("o-1", "charge-payment"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("step 'charge-payment' of saga 'o-1'")
                    .hasMessageContaining("no command was sent");
        }
    }

    @Test
    void refusesToStartASagaTypeItDoesNotRun() {
        try (SagaTestKit kit = SagaTestKit.of(ORDER)) {
            assertThatThrownBy(() -> kit.start("r-1", "refund"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no saga 'refund'")
                    .hasMessageContaining("order v1");
        }
    }

    @Test
    void refusesToMoveTimeBackwards() {
        try (SagaTestKit kit = SagaTestKit.of(ORDER)) {
            assertThatThrownBy(() -> kit.advanceTime(Duration.ofSeconds(-5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot move time backwards");
        }
    }

    @Test
    void refusesToReplyToACommandFromAnotherKit() {
        try (SagaTestKit first = SagaTestKit.of(ORDER); SagaTestKit second = SagaTestKit.of(ORDER)) {
            first.start("o-1", "order");
            SentCommand foreign = first.lastCommand("o-1", "reserve-stock").orElseThrow();
            assertThatThrownBy(() -> second.replyTo(foreign))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("this kit never sent it");
        }
    }

    @Test
    void needsAtLeastOneDefinition() {
        assertThatThrownBy(() -> SagaTestKit.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least one saga definition");
    }
}
