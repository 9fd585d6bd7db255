package dev.sagaline.orchestrator.definition;

import dev.sagaline.schemas.retry.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * One step of a saga: the participant's command topic, the step's kind, and how long and how
 * often its commands are tried. Null timeout or retry policies take the orchestrator's configured
 * defaults ({@code sagaline.step.*}, {@code sagaline.undo.*}).
 *
 * @param name unique within the saga; participants route on it, so renaming it is a protocol change
 * @param commandTopic where the step's commands go
 * @param kind compensatable, pivot, retriable or TCC
 * @param timeout how long one attempt of any of the step's commands may wait for its reply; null for the default
 * @param retry attempts and backoff of the forward action (DO or TRY); null for the default
 * @param undoRetry attempts and backoff of COMPENSATE, CANCEL and CONFIRM; after the last the saga is STUCK; null for the default
 * @param input builds the command's input
 */
public record StepDefinition(String name, String commandTopic, StepKind kind, Duration timeout,
                             RetryPolicy retry, RetryPolicy undoRetry, StepInput input) {

    public StepDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(input, "input");
    }

    public StepDefinition withTimeout(Duration timeout) {
        return new StepDefinition(name, commandTopic, kind, timeout, retry, undoRetry, input);
    }

    public StepDefinition withRetry(RetryPolicy retry) {
        return new StepDefinition(name, commandTopic, kind, timeout, retry, undoRetry, input);
    }
}
