package dev.sagaline.orchestrator.testing;

import dev.sagaline.participant.CommandDispatcher;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import java.util.function.Function;

/**
 * Runs a service's handlers for the test kit through the participant library's own dispatcher,
 * with an in-memory record of processed commands. Kept apart from {@link SagaTestKit} so that the
 * participant library is only needed by tests that plug handlers in.
 */
final class HandlerParticipant {

    private HandlerParticipant() {
    }

    static Function<StepCommand, StepReply> answering(ParticipantHandlers handlers, Payloads payloads) {
        return CommandDispatcher.inMemory(handlers, payloads)::handle;
    }
}
