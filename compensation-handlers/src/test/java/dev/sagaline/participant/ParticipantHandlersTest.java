package dev.sagaline.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.participant.example.HoldFunds;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.example.StockReservation;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepOutcome;
import org.junit.jupiter.api.Test;

/** Handler registration mistakes are caught when the registry is built, naming the step. */
class ParticipantHandlersTest {

    private static final StepHandler<ReserveStock> RESERVE = (input, context) -> StepResult.succeeded();
    private static final CompensationHandler<StockReservation> RELEASE = (input, context) -> StepResult.succeeded();

    @Test
    void findsHandlersByStepAndAction() {
        ParticipantHandlers handlers = new RecordingHandlers().handlers();

        assertThat(handlers.steps()).containsExactly("hold-funds", "reserve-stock");
        assertThat(handlers.find("reserve-stock", StepAction.COMPENSATE)).get()
                .extracting(RegisteredHandler::inputType).isEqualTo(StockReservation.class);
        assertThat(handlers.find("hold-funds", StepAction.CONFIRM)).isPresent();
        assertThat(handlers.find("hold-funds", StepAction.DO)).isEmpty();
        assertThat(handlers.find("ship-parcel", StepAction.DO)).isEmpty();
    }

    @Test
    void refusesASecondHandlerForTheSameStepAndAction() {
        ParticipantHandlers.Builder builder = ParticipantHandlers.builder().onDo("reserve-stock", ReserveStock.class, RESERVE);

        assertThatThrownBy(() -> builder.onDo("reserve-stock", ReserveStock.class, RESERVE))
                .isInstanceOf(InvalidParticipantException.class).hasMessageContaining("'reserve-stock' already has a DO handler");
    }

    @Test
    void refusesAStepThatIsBothCompensatableAndTcc() {
        ParticipantHandlers.Builder builder = ParticipantHandlers.builder().onDo("hold-funds", ReserveStock.class, RESERVE);

        assertThatThrownBy(() -> builder.onTcc("hold-funds", HoldFunds.class, new TccHandler<>() {
            @Override
            public StepResult tryStep(HoldFunds input, StepContext context) {
                return StepResult.succeeded();
            }

            @Override
            public StepResult confirm(HoldFunds input, StepContext context) {
                return StepResult.succeeded();
            }

            @Override
            public StepResult cancel(HoldFunds input, StepContext context) {
                return StepResult.succeeded();
            }
        })).isInstanceOf(InvalidParticipantException.class).hasMessageContaining("'hold-funds' is already registered as a compensatable step");
    }

    @Test
    void refusesACompensationWithoutItsDo() {
        ParticipantHandlers.Builder builder = ParticipantHandlers.builder().onCompensate("reserve-stock", StockReservation.class, RELEASE);

        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidParticipantException.class)
                .hasMessageContaining("'reserve-stock' has a compensation but no DO handler");
    }

    @Test
    void refusesABlankStepName() {
        assertThatThrownBy(() -> ParticipantHandlers.builder().onDo(" ", ReserveStock.class, RESERVE))
                .isInstanceOf(InvalidParticipantException.class).hasMessageContaining("blank");
    }

    @Test
    void refusesAParticipantWithoutHandlers() {
        assertThatThrownBy(() -> ParticipantHandlers.builder().build())
                .isInstanceOf(InvalidParticipantException.class).hasMessageContaining("at least one handler");
    }

    @Test
    void refusesHandlersRegisteredInTwoPlaces() {
        Participant.Builder builder = Participant.builder()
                .applicationId("inventory")
                .commandTopic("inventory.commands")
                .handlers(new RecordingHandlers().handlers())
                .onDo("ship-parcel", ReserveStock.class, RESERVE);

        assertThatThrownBy(builder::build).isInstanceOf(InvalidParticipantException.class).hasMessageContaining("one place");
    }

    @Test
    void refusesResultsThatMixOutcomes() {
        assertThatThrownBy(() -> new StepResult(StepOutcome.FAILED, new StockReservation("r", "s", 1), "X", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a SUCCEEDED result has an output");
        assertThatThrownBy(() -> StepResult.failed(" ", "no code"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> new StepResult(StepOutcome.UNKNOWN, null, "X", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UNKNOWN");
    }
}
