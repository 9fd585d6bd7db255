package dev.sagaline.participant;

import dev.sagaline.protocol.DeadLetterReason;
import java.util.Objects;

/**
 * Thrown by {@link CommandDispatcher#handle(dev.sagaline.protocol.v1.StepCommand)} for a command
 * that the Kafka runtime would send to the dead-letter topic instead of answering, such as one
 * naming a step this participant has no handler for. In-process callers (the orchestrator's test
 * harness) see the mistake at once instead of waiting for a reply that never comes.
 */
public class UnroutableCommandException extends ParticipantException {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    public UnroutableCommandException(DeadLetterReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the command cannot be answered. */
    public DeadLetterReason reason() {
        return reason;
    }
}
