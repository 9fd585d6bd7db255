package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.ORDER;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.participant.example.StockReservation;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same rules without Kafka, as the orchestrator's in-process harness uses them. */
class CommandDispatcherTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final RecordingHandlers inventory = new RecordingHandlers();
    private final Payloads payloads = Payloads.withRegistry(new InMemorySchemaRegistry());
    private final CommandDispatcher dispatcher = CommandDispatcher.create(inventory.handlers(), payloads,
            ProcessedCommandStore.inMemory(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void answersACommandWithTheHandlersReplyAtTheClocksTime() {
        StepReply reply = dispatcher.handle(command("c-1", StepAction.DO));

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(reply.getRepliedAtMs()).isEqualTo(NOW);
        assertThat(payloads.decode(reply.getOutput(), StockReservation.class)).isEqualTo(RecordingHandlers.reservationFor(ORDER));
    }

    @Test
    void reportsADuplicateWithoutCallingTheHandler() {
        dispatcher.handle(command("c-1", StepAction.DO));

        DispatchResult again = dispatcher.dispatch(command("c-1", StepAction.DO), NOW.toEpochMilli() + 1);

        assertThat(again).isInstanceOfSatisfying(DispatchResult.Replied.class, replied -> assertThat(replied.duplicate()).isTrue());
        assertThat(inventory.calls()).hasSize(1);
    }

    @Test
    void throwsForACommandTheRuntimeWouldDeadLetter() {
        StepCommand forUnknownStep = StepCommand.newBuilder(command("c-1", StepAction.DO)).setStep("ship-parcel").build();

        assertThatThrownBy(() -> dispatcher.handle(forUnknownStep))
                .isInstanceOfSatisfying(UnroutableCommandException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.NO_HANDLER))
                .hasMessageContaining("ship-parcel");
    }

    @Test
    void appliesEmptyRollbackAndAntiHanging() {
        StepReply compensate = dispatcher.handle(command("c-1", StepAction.COMPENSATE));
        StepReply lateDo = dispatcher.handle(command("c-2", StepAction.DO));

        assertThat(compensate.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(lateDo.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_ROLLED_BACK);
        assertThat(inventory.calls()).isEmpty();
    }

    @Test
    void compensatesWithTheOutputItRecordedWhenTheOrchestratorSendsTheDoInputInstead() {
        dispatcher.handle(command("c-1", StepAction.DO));

        StepCommand compensateWithDoInput = StepCommand.newBuilder(command("c-2", StepAction.COMPENSATE))
                .setInput(payloads.encode(ORDER)).build();
        StepReply reply = dispatcher.handle(compensateWithDoInput);

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls()).extracting(RecordingHandlers.Call::action, RecordingHandlers.Call::input)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StepAction.DO, ORDER),
                        org.assertj.core.groups.Tuple.tuple(StepAction.COMPENSATE, RecordingHandlers.reservationFor(ORDER)));
    }

    private StepCommand command(String id, StepAction action) {
        return StepCommand.newBuilder()
                .setCommandId(id)
                .setSagaId("saga-1")
                .setSagaType("checkout")
                .setStep(RESERVE_STOCK)
                .setAction(action)
                .setAttempt(1)
                .setInput(action == StepAction.DO ? payloads.encode(ORDER) : null)
                .setReplyTopic("checkout.replies")
                .setIssuedAtMs(NOW)
                .setMetadata(Map.of())
                .build();
    }
}
