package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The saga rules for unknown outcomes, end to end against the participant library run in
 * process: a pivot whose reply is lost is asked again with the same command id and the
 * participant answers what it did without doing it twice; an abort meanwhile waits and is refused;
 * a retriable step that is refused makes the saga STUCK instead of sending the refusal again forever.
 */
class UnknownOutcomesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    static final SagaDefinition ORDER = SagaDefinition.named("order")
            .step("reserve-stock").on("inventory.commands").compensatable().timeout(TIMEOUT)
            .step("charge-payment").on("payment.commands").pivot().timeout(TIMEOUT)
            .step("ship").on("shipping.commands").retriable().timeout(TIMEOUT)
            .build();

    static final PlaceOrder ORDER_1 = new PlaceOrder("o-1", "sku-42", 2);

    private final AtomicInteger reserved = new AtomicInteger();
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger charged = new AtomicInteger();
    private final AtomicInteger shipAttempts = new AtomicInteger();

    @Test
    void chargesOnceWhenThePivotsReplyIsLostAndTheSameCommandIsSentAgain() {
        try (SagaTestKit kit = kit(StepResult.succeeded())) {
            kit.loseNextReply("charge-payment");

            kit.start("o-1", "order", ORDER_1);
            kit.advanceTime(TIMEOUT.plus(Duration.ofSeconds(5)));

            assertThat(kit.commands("o-1").stream().filter(c -> c.step().equals("charge-payment")).map(SentCommand::commandId).distinct())
                    .as("the pivot is asked again under its own command id").hasSize(1);
            assertThat(charged).as("the participant answered from its record, without charging again").hasValue(1);
            kit.assertThat("o-1").isCompleted().compensatedNothing();
            assertThat(released).hasValue(0);
        }
    }

    @Test
    void abortWhileThePivotsOutcomeIsUnknownIsRefusedOnceItTurnsOutCharged() {
        try (SagaTestKit kit = kit(StepResult.succeeded())) {
            kit.loseNextReply("charge-payment");
            kit.start("o-1", "order", ORDER_1);

            kit.abort("o-1", "customer cancelled");
            kit.advanceTime(TIMEOUT.plus(Duration.ofSeconds(5)));

            kit.assertThat("o-1").isCompleted().compensatedNothing();
            assertThat(charged).hasValue(1);
            assertThat(released).as("the stock of a charged order is never released").hasValue(0);
        }
    }

    @Test
    void refusedRetriableStepMakesTheSagaStuckInsteadOfSendingItForever() {
        try (SagaTestKit kit = kit(StepResult.failed("ADDRESS_UNKNOWN", "no such street"))) {
            kit.start("o-1", "order", ORDER_1);
            kit.advanceTime(Duration.ofHours(1));

            kit.assertThat("o-1").hasStatus(SagaStatus.STUCK);
            assertThat(kit.commands("o-1").stream().filter(c -> c.step().equals("ship") && c.action() == StepAction.DO)).hasSize(1);
            assertThat(shipAttempts).hasValue(1);
        }
    }

    private SagaTestKit kit(StepResult shipping) {
        ParticipantHandlers inventory = ParticipantHandlers.builder()
                .onDo("reserve-stock", PlaceOrder.class, (order, ctx) -> {
                    reserved.incrementAndGet();
                    return StepResult.succeeded();
                })
                .onCompensate("reserve-stock", PlaceOrder.class, (order, ctx) -> {
                    released.incrementAndGet();
                    return StepResult.succeeded();
                })
                .build();
        ParticipantHandlers payment = ParticipantHandlers.builder()
                .onDo("charge-payment", PlaceOrder.class, (order, ctx) -> {
                    charged.incrementAndGet();
                    return StepResult.succeeded();
                })
                .build();
        ParticipantHandlers shipper = ParticipantHandlers.builder()
                .onDo("ship", PlaceOrder.class, (order, ctx) -> {
                    shipAttempts.incrementAndGet();
                    return shipping;
                })
                .build();
        return SagaTestKit.builder().definitions(ORDER)
                .participant("inventory.commands", inventory)
                .participant("payment.commands", payment)
                .participant("shipping.commands", shipper)
                .build();
    }
}
