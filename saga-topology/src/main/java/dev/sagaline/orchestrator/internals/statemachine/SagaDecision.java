package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.StepCommand;
import java.util.List;

/**
 * What handling one input decided: the saga's new state (null when it is purged) and the records
 * to emit. The processor writes them in one Kafka transaction, so they happen together or not at
 * all.
 *
 * @param state the new state, or null to delete it
 * @param commands commands to send, each with its topic
 * @param events audit events, in order
 * @param nextDue when the saga's timer must fire next (epoch millis), or null for no timer
 */
public record SagaDecision(SagaState state, List<OutgoingCommand> commands, List<SagaEvent> events, Long nextDue) {

    /** A command and the topic it goes to. */
    public record OutgoingCommand(String topic, StepCommand command) {
    }
}
