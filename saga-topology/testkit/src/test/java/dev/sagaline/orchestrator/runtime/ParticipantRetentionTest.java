package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.INVENTORY;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.PAYMENT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.TRAVEL;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.TRIP;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.example.shop.PlaceOrder;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.TccHandler;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepResolution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A saga that stays unfinished longer than the participants' retention (7 days by default) still
 * has its compensations and confirmations run by the real participant library: its records live
 * until the orchestrator's finish notice, and only then start their retention.
 */
@ExtendWith(WellFormedHistories.class)
class ParticipantRetentionTest {

    private static final String BANK = "bank.commands";
    private static final Duration LONGER_THAN_RETENTION = Duration.ofDays(8);
    private static final SagaDefinition LONG_ORDER = SagaDefinition.named("long-order")
            .step("hold-funds").on(PAYMENT).tcc()
            .step("reserve-stock").on(INVENTORY).compensatable()
            .step("charge").on(BANK).pivot()
            .build();
    private static final PlaceOrder ORDER = new PlaceOrder("o-1", "sku-42", 2);

    private final List<StepAction> calls = new ArrayList<>();

    @Test
    void compensatesAStepOfASagaStuckLongerThanTheParticipantsRetention() {
        try (SagaTestKit kit = stuckWithTheBankSilent()) {
            kit.advanceTime(LONGER_THAN_RETENTION);

            kit.resolve("o-1", "charge", StepResolution.NOT_APPLIED, "the bank has no such charge");

            kit.assertThat("o-1").isCompensated();
            assertThat(calls).containsExactly(StepAction.TRY, StepAction.DO, StepAction.COMPENSATE, StepAction.CANCEL);
        }
    }

    @Test
    void confirmsAStepOfASagaStuckLongerThanTheParticipantsRetention() {
        try (SagaTestKit kit = stuckWithTheBankSilent()) {
            kit.advanceTime(LONGER_THAN_RETENTION);

            kit.resolve("o-1", "charge", StepResolution.SUCCEEDED, "the bank shows the charge");

            kit.assertThat("o-1").isCompleted();
            assertThat(calls).containsExactly(StepAction.TRY, StepAction.DO, StepAction.CONFIRM);
        }
    }

    @Test
    void tellsTheTopicOfEveryCommandedStepOnceThatTheSagaFinished() {
        try (SagaTestKit kit = stuckWithTheBankSilent()) {
            assertThat(kit.finishNotices("o-1")).isEmpty();

            kit.resolve("o-1", "charge", StepResolution.SUCCEEDED, "the bank shows the charge");

            assertThat(kit.finishNotices("o-1")).extracting(SentCommand::step, SentCommand::topic).containsExactlyInAnyOrder(
                    tuple("hold-funds", PAYMENT),
                    tuple("reserve-stock", INVENTORY),
                    tuple("charge", BANK));
            kit.advanceTime(LONGER_THAN_RETENTION);
            assertThat(kit.finishNotices("o-1")).hasSize(3);
        }
    }

    @Test
    void tellsACommandTopicThatTheSagaFinishedOnceForAllItsSteps() {
        try (SagaTestKit kit = kit(TRIP)) {
            kit.start("t-1", "trip");
            for (String step : List.of("hold-seat", "hold-room", "charge-card", "hold-seat", "hold-room")) {
                kit.replyTo("t-1", step).succeed();
            }

            kit.assertThat("t-1").isCompleted();
            assertThat(kit.finishNotices("t-1")).extracting(SentCommand::step, SentCommand::topic).containsExactlyInAnyOrder(
                    tuple("hold-seat", TRAVEL),
                    tuple("charge-card", PAYMENT));
        }
    }

    /** The bank never answers, so the pivot stays in doubt until the saga is STUCK. */
    private SagaTestKit stuckWithTheBankSilent() {
        ParticipantHandlers payment = ParticipantHandlers.builder()
                .onTcc("hold-funds", PlaceOrder.class, new TccHandler<>() {
                    @Override
                    public StepResult tryStep(PlaceOrder order, StepContext context) {
                        return record(context);
                    }

                    @Override
                    public StepResult confirm(PlaceOrder order, StepContext context) {
                        return record(context);
                    }

                    @Override
                    public StepResult cancel(PlaceOrder order, StepContext context) {
                        return record(context);
                    }
                })
                .build();
        ParticipantHandlers inventory = ParticipantHandlers.builder()
                .onDo("reserve-stock", PlaceOrder.class, (order, context) -> record(context))
                .onCompensate("reserve-stock", PlaceOrder.class, (order, context) -> record(context))
                .build();
        SagaTestKit kit = kit(settings -> settings
                .config(SagalineConfig.STEP_TIMEOUT_MS_CONFIG, Duration.ofHours(1).toMillis())
                .config(SagalineConfig.TIMER_SCAN_INTERVAL_MS_CONFIG, Duration.ofHours(1).toMillis())
                .config(SagalineConfig.IN_DOUBT_MAX_MS_CONFIG, Duration.ofHours(2).toMillis())
                .participant(PAYMENT, payment)
                .participant(INVENTORY, inventory)
                .participant(BANK, command -> null), LONG_ORDER);
        kit.start("o-1", "long-order", ORDER);
        kit.advanceTime(Duration.ofHours(6));
        kit.assertThat("o-1").hasStatus(SagaStatus.STUCK);
        return kit;
    }

    private StepResult record(StepContext context) {
        calls.add(context.action());
        return StepResult.succeeded();
    }
}
