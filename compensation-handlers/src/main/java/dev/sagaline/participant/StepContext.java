package dev.sagaline.participant;

import dev.sagaline.protocol.v1.StepAction;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a handler knows about the command it is answering, besides its input.
 *
 * <p>{@link #commandId()} is the idempotency key for side effects outside Kafka (a database row,
 * a payment API call): the participant answers a command at most once in Kafka, but after a crash
 * between the handler's side effect and the commit of the reply, the same command is handled
 * again with the same id. A retry after a retryable error is a new command with a new id; an
 * effect that must happen once across retries can use {@link #sagaId()}, {@link #step()} and
 * {@link #action()} as its key instead.
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
}
