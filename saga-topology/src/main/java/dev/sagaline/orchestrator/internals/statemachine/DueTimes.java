package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepState;

/** When something is next due for a saga: a step's timeout, retry or resend, its deadline, or its purge. */
final class DueTimes {

    private DueTimes() {
    }

    /** The earliest time something is due for the saga, or null when nothing is (a STUCK saga waits for an operator). */
    static Long next(SagaState state, StepPolicies policies) {
        SagaStatus status = state.getStatus();
        if (status == SagaStatus.STUCK) {
            return null;
        }
        if (SagaRules.isTerminal(status)) {
            return state.getFinishedAtMs() == null ? null : finished(state, policies);
        }
        long next = deadlineArmed(state) ? state.getDeadlineMs().toEpochMilli() : Long.MAX_VALUE;
        for (StepState step : state.getSteps()) {
            if (step.getDueMs() != null) {
                next = Math.min(next, step.getDueMs().toEpochMilli());
            }
        }
        return next == Long.MAX_VALUE ? null : next;
    }

    /** Whether the saga's deadline, if it has one, still counts in its status. */
    static boolean deadlineArmed(SagaState state) {
        return state.getDeadlineMs() != null && SagaRules.handles(state.getStatus(), SagaTrigger.DEADLINE);
    }

    /** When the finished saga's details (or, once compacted, its id) leave the store. */
    static long finished(SagaState state, StepPolicies policies) {
        long finished = state.getFinishedAtMs().toEpochMilli();
        return finished + (state.getCompacted() ? policies.finishedIdsRetention() : policies.finishedRetention()).toMillis();
    }
}
