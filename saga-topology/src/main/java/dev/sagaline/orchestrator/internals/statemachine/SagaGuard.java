package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import java.util.function.Predicate;

/**
 * The guard column of {@link SagaRules}: a condition on the saga's stored state that decides
 * between rows with the same status and trigger. Each condition is written here once.
 */
public enum SagaGuard {
    /** No condition. */
    ALWAYS(state -> true),
    /** The pivot step has not succeeded, so the saga may still turn back. */
    BEFORE_PIVOT(state -> !state.getPivotPassed()),
    /** The pivot step succeeded: from now on the saga only goes forward. */
    PIVOT_PASSED(SagaState::getPivotPassed),
    /** Stuck while going forward. */
    STUCK_GOING_FORWARD(state -> state.getStuckFrom() == SagaStatus.RUNNING),
    /** Stuck while compensating. */
    STUCK_COMPENSATING(state -> state.getStuckFrom() == SagaStatus.COMPENSATING),
    /** Stuck while confirming TCC steps. */
    STUCK_CONFIRMING(state -> state.getStuckFrom() == SagaStatus.CONFIRMING);

    private final Predicate<SagaState> condition;

    SagaGuard(Predicate<SagaState> condition) {
        this.condition = condition;
    }

    /** Whether the guard holds for a saga in {@code state}; a saga that does not exist yet passes only {@link #ALWAYS}. */
    boolean holds(SagaState state) {
        return this == ALWAYS || state != null && condition.test(state);
    }
}
