package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.StepDefinition;
import dev.sagaline.orchestrator.definition.StepKind;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.time.Duration;

/**
 * The orchestrator-wide defaults a step falls back on when its definition leaves a timeout or a
 * retry policy open.
 *
 * @param stepTimeout per-attempt timeout
 * @param forwardRetry DO/TRY of compensatable, TCC and pivot steps
 * @param retriableRetry DO of retriable steps
 * @param undoRetry COMPENSATE, CANCEL and CONFIRM
 * @param finishedRetention how long finished sagas stay before their details are purged
 * @param finishedIdsRetention how long a finished saga's id stays, counted from its finish
 * @param inDoubtMax how long an in-doubt command is sent again before the saga goes STUCK
 */
public record StepPolicies(Duration stepTimeout, RetryPolicy forwardRetry, RetryPolicy retriableRetry,
                           RetryPolicy undoRetry, Duration finishedRetention, Duration finishedIdsRetention, Duration inDoubtMax) {

    Duration timeout(StepDefinition step) {
        return step.timeout() != null ? step.timeout() : stepTimeout;
    }

    RetryPolicy forward(StepDefinition step) {
        if (step.retry() != null) {
            return step.retry();
        }
        return step.kind() == StepKind.RETRIABLE ? retriableRetry : forwardRetry;
    }

    RetryPolicy undo(StepDefinition step) {
        return step.undoRetry() != null ? step.undoRetry() : undoRetry;
    }
}
