package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

// readme:start
class OrderSagaTest {

    static final SagaDefinition ORDER = SagaDefinition.named("order")
            .step("reserve-stock").on("inventory.commands").compensatable().timeout(Duration.ofSeconds(10))
            .step("charge-payment").on("payment.commands").pivot()
            .step("ship").on("shipping.commands").retriable()
            .build();

    static final PlaceOrder ORDER_1 = new PlaceOrder("o-1", "sku-42", 2);

    @Test
    void completesWhenEveryServiceAgrees() {
        try (SagaTestKit kit = SagaTestKit.of(ORDER)) {
            kit.start("o-1", "order", ORDER_1);
            assertThat(kit.lastCommand("o-1", "reserve-stock").orElseThrow().input(PlaceOrder.class)).isEqualTo(ORDER_1);
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").succeed();
            kit.replyTo("o-1", "ship").succeed();
            kit.assertThat("o-1").isCompleted().compensatedNothing().hasNoPendingCommands();
        }
    }

    @Test
    void releasesTheStockWhenThePaymentIsDeclined() {
        try (SagaTestKit kit = SagaTestKit.of(ORDER)) {
            kit.start("o-1", "order", ORDER_1);
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.replyTo("o-1", "charge-payment").fail("CARD_DECLINED", "insufficient funds");
            assertThat(kit.lastCommand("o-1", "reserve-stock").orElseThrow().action()).isEqualTo(StepAction.COMPENSATE);
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.assertThat("o-1").isCompensated().compensatedInOrder("reserve-stock");
        }
    }

    @Test
    void compensatesWhenTheStockServiceNeverAnswers() {
        try (SagaTestKit kit = SagaTestKit.of(ORDER)) {
            kit.start("o-1", "order", ORDER_1);
            kit.advanceTime(Duration.ofMinutes(1));
            assertThat(kit.lastCommand("o-1", "reserve-stock").orElseThrow().action()).isEqualTo(StepAction.COMPENSATE);
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.assertThat("o-1").isCompensated();
        }
    }

    @Test
    void runsTheWholeSagaAgainstTheServicesOwnHandlers() {
        ParticipantHandlers inventory = ParticipantHandlers.builder()
                .onDo("reserve-stock", PlaceOrder.class, (order, context) -> StepResult.succeeded())
                .onCompensate("reserve-stock", PlaceOrder.class, (order, context) -> StepResult.succeeded())
                .build();
        ParticipantHandlers payment = ParticipantHandlers.builder()
                .onDo("charge-payment", PlaceOrder.class, (order, context) -> StepResult.failed("CARD_DECLINED", "no funds"))
                .build();
        try (SagaTestKit kit = SagaTestKit.builder().definitions(ORDER)
                .participant("inventory.commands", inventory)
                .participant("payment.commands", payment)
                .build()) {
            kit.start("o-1", "order", ORDER_1);
            kit.assertThat("o-1").isCompensated().compensatedInOrder("reserve-stock");
        }
    }
}
// readme:end
