package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import java.util.function.BiPredicate;

/**
 * The guard column of {@link SagaRules}: a condition on the saga's stored state that decides
 * between rows with the same status and trigger. Each condition is written here once.
 */
public enum SagaGuard {
    /** No condition. */
    ALWAYS((state, definition) -> true),
    /** The pivot step has neither succeeded nor a command outstanding, so the saga may still turn back now. */
    BEFORE_PIVOT((state, definition) -> !state.getPivotPassed() && !pivotOutstanding(state, definition)),
    /**
     * The pivot's command is outstanding, so its outcome is unknown: turning back now could leave
     * it applied with everything before it undone, so an abort or the deadline waits for it.
     */
    PIVOT_IN_DOUBT((state, definition) -> !state.getPivotPassed() && pivotOutstanding(state, definition)),
    /** The pivot step succeeded: from now on the saga only goes forward. */
    PIVOT_PASSED((state, definition) -> state.getPivotPassed()),
    /** Stuck while going forward. */
    STUCK_GOING_FORWARD((state, definition) -> state.getStuckFrom() == SagaStatus.RUNNING),
    /** Stuck while compensating. */
    STUCK_COMPENSATING((state, definition) -> state.getStuckFrom() == SagaStatus.COMPENSATING),
    /** Stuck while confirming TCC steps. */
    STUCK_CONFIRMING((state, definition) -> state.getStuckFrom() == SagaStatus.CONFIRMING);

    private final BiPredicate<SagaState, SagaDefinition> condition;

    SagaGuard(BiPredicate<SagaState, SagaDefinition> condition) {
        this.condition = condition;
    }

    /** Whether the guard holds for a saga in {@code state}; a saga that does not exist yet passes only {@link #ALWAYS}. */
    boolean holds(SagaState state, SagaDefinition definition) {
        return this == ALWAYS || state != null && condition.test(state, definition);
    }

    private static boolean pivotOutstanding(SagaState state, SagaDefinition definition) {
        for (int i = 0; i < state.getSteps().size(); i++) {
            if (definition.steps().get(i).kind() == StepKind.PIVOT && state.getSteps().get(i).getCommandId() != null) {
                return true;
            }
        }
        return false;
    }
}
