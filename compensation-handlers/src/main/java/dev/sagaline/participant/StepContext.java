package dev.sagaline.participant;

import dev.sagaline.protocol.v1.StepAction;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a handler knows about the command it is answering, besides its input.
 *
 * <p>{@link #idempotencyKey()} is the key for side effects outside Kafka (a database row, a
 * payment API call). The participant answers a command at most once in Kafka, but a handler can
 * still run twice for one effect: after a crash between the side effect and the commit of the
 * reply, and whenever the orchestrator sends a new attempt (a retry, or a reply that came too late
 * after a restore), which has a new {@link #commandId()}. The idempotency key is the same for
 * every attempt of the step's forward action (DO or TRY), and another one is the same for every
 * attempt of its undo (COMPENSATE or CANCEL), and a third for CONFIRM, so an external system
 * keyed by it applies each once. Never key an external effect by the command id.
 *
 * @param commandId the command's unique id; the same on redelivery, new on every retry
 * @param sagaId the saga instance
 * @param sagaType the saga definition's name
 * @param definitionVersion the version of the saga definition the instance runs
 * @param step the step's name
 * @param action DO, COMPENSATE, TRY, CONFIRM or CANCEL
 * @param attempt 1 for the first attempt of this action, incremented on every retry
 * @param issuedAt when the orchestrator issued the command (its stream-time clock)
 * @param metadata context copied from the saga's start request, such as a trace id; never null
 */
public record StepContext(
        String commandId,
        String sagaId,
        String sagaType,
        int definitionVersion,
        String step,
        StepAction action,
        int attempt,
        Instant issuedAt,
        Map<String, String> metadata) {

    public StepContext {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(action, "action");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * The key an external system should deduplicate this handler's effect by: the same for every
     * attempt and redelivery of the step's forward action, another for its undo and another for
     * its confirmation, and different for every saga and step. It reads
     * {@code <sagaId>/<step>/FORWARD}, {@code .../UNDO} or {@code .../CONFIRM}, with {@code %} and
     * {@code /} in the saga id and step name percent-encoded so no two steps share a key.
     */
    public String idempotencyKey() {
        String purpose = switch (action) {
            case DO, TRY -> "FORWARD";
            case COMPENSATE, CANCEL -> "UNDO";
            case CONFIRM -> "CONFIRM";
            default -> throw new IllegalStateException("a " + action + " command is never given to a handler");
        };
        return escape(sagaId) + '/' + escape(step) + '/' + purpose;
    }

    private static String escape(String part) {
        return part.replace("%", "%25").replace("/", "%2F");
    }
}
