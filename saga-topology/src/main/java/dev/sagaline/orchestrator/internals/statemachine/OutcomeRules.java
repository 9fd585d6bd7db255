package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.StepKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepState;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the answer to a step's command means, as a table: the step's {@link Role} (its kind, the
 * action and whether the saga still goes forward) and how the command ended ({@link Ending})
 * decide the {@link Verdict}. The table is the whole policy for retries, turn-backs and stuck
 * sagas; {@link SagaRun} only carries verdicts out.
 */
public final class OutcomeRules {

    /** What the command was for. */
    public enum Role {
        /** DO or TRY of a compensatable or TCC step while the saga goes forward. */
        FORWARD,
        /** DO of the pivot while the saga goes forward. */
        PIVOT,
        /** DO of the pivot while an abort or the deadline waits for its outcome. */
        PIVOT_TURN_BACK_PENDING,
        /** DO of a retriable step. */
        RETRIABLE,
        /** A forward command answered after the saga turned back: it is compensated whatever it did. */
        FORWARD_AFTER_TURN_BACK,
        /** COMPENSATE or CANCEL. */
        UNDO,
        /** CONFIRM. */
        CONFIRM
    }

    /** How the command ended. */
    public enum Ending {
        SUCCEEDED,
        /** A business refusal. */
        FAILED,
        /** A transient error, or an outcome this orchestrator does not know. */
        RETRYABLE_ERROR,
        /** No reply within the step's timeout. */
        TIMED_OUT
    }

    /** What the orchestrator does about it. */
    public enum Verdict {
        /** The forward action succeeded; a pivot's success means the saga only goes forward from now on. */
        SUCCEED,
        /** The pivot succeeded, so the abort or deadline that waited for it is refused. */
        SUCCEED_REFUSING_TURN_BACK,
        /** The undo or confirm succeeded. */
        CLOSE,
        /** The step failed; the saga has turned back already. */
        FAIL,
        /** The step failed and the saga turns back. */
        FAIL_AND_TURN_BACK,
        /** A step that must not fail was refused: the saga is STUCK at once, for an operator. */
        FAIL_AND_STICK,
        /**
         * The outcome is unknown and the step cannot be undone: it is resolved, never guessed. The
         * same command (same id, so the participant answers what it did without doing it again) is
         * sent again with backoff until it is answered; past the configured bound the saga is STUCK.
         */
        RESOLVE_IN_DOUBT,
        /** Another attempt after backoff if the budget allows; otherwise the step failed and the saga turns back. */
        RETRY_ELSE_TURN_BACK,
        /** Another attempt after backoff if the budget allows; otherwise the saga is STUCK. */
        RETRY_ELSE_STUCK,
        /** The forward command's outcome stays unknown; the saga has turned back already and compensates it. */
        LEAVE_UNCERTAIN
    }

    private static final Map<Role, Map<Ending, Verdict>> TABLE = new EnumMap<>(Role.class);

    static {
        //   role                          SUCCEEDED        FAILED                       RETRYABLE_ERROR               TIMED_OUT
        row(Role.FORWARD,                 Verdict.SUCCEED, Verdict.FAIL_AND_TURN_BACK,  Verdict.RETRY_ELSE_TURN_BACK, Verdict.RETRY_ELSE_TURN_BACK);
        row(Role.PIVOT,                   Verdict.SUCCEED, Verdict.FAIL_AND_TURN_BACK,  Verdict.RETRY_ELSE_TURN_BACK, Verdict.RESOLVE_IN_DOUBT);
        row(Role.PIVOT_TURN_BACK_PENDING, Verdict.SUCCEED_REFUSING_TURN_BACK, Verdict.FAIL_AND_TURN_BACK, Verdict.FAIL_AND_TURN_BACK, Verdict.RESOLVE_IN_DOUBT);
        row(Role.RETRIABLE,               Verdict.SUCCEED, Verdict.FAIL_AND_STICK,      Verdict.RETRY_ELSE_STUCK,     Verdict.RETRY_ELSE_STUCK);
        row(Role.FORWARD_AFTER_TURN_BACK, Verdict.SUCCEED, Verdict.FAIL,                Verdict.FAIL,                 Verdict.LEAVE_UNCERTAIN);
        row(Role.UNDO,                    Verdict.CLOSE,   Verdict.RETRY_ELSE_STUCK,    Verdict.RETRY_ELSE_STUCK,     Verdict.RETRY_ELSE_STUCK);
        row(Role.CONFIRM,                 Verdict.CLOSE,   Verdict.RETRY_ELSE_STUCK,    Verdict.RETRY_ELSE_STUCK,     Verdict.RETRY_ELSE_STUCK);
    }

    /** The error code recorded for a command that got no reply in time. */
    static final String TIMEOUT = "TIMEOUT";

    private OutcomeRules() {
    }

    private static void row(Role role, Verdict succeeded, Verdict failed, Verdict retryableError, Verdict timedOut) {
        Map<Ending, Verdict> row = new EnumMap<>(Ending.class);
        row.put(Ending.SUCCEEDED, succeeded);
        row.put(Ending.FAILED, failed);
        row.put(Ending.RETRYABLE_ERROR, retryableError);
        row.put(Ending.TIMED_OUT, timedOut);
        TABLE.put(role, row);
    }

    /** The verdict for a command of {@code role} that ended so. */
    static Verdict verdict(Role role, Ending ending) {
        return TABLE.get(role).get(ending);
    }

    /**
     * The role of a command of {@code action} to a step of {@code kind}, in a saga that is
     * {@code status}, with or without an abort or deadline waiting for it.
     */
    static Role roleOf(StepKind kind, StepAction action, SagaStatus status, boolean turnBackPending) {
        if (!StepLifecycle.isForward(action)) {
            return action == StepAction.CONFIRM ? Role.CONFIRM : Role.UNDO;
        }
        if (status != SagaStatus.RUNNING) {
            return Role.FORWARD_AFTER_TURN_BACK;
        }
        return switch (kind) {
            case PIVOT -> turnBackPending ? Role.PIVOT_TURN_BACK_PENDING : Role.PIVOT;
            case RETRIABLE -> Role.RETRIABLE;
            default -> Role.FORWARD;
        };
    }

    /** The ending a reply's outcome stands for; an outcome this orchestrator does not know is a transient error. */
    static Ending endingOf(StepOutcome outcome) {
        return switch (outcome) {
            case SUCCEEDED -> Ending.SUCCEEDED;
            case FAILED -> Ending.FAILED;
            default -> Ending.RETRYABLE_ERROR;
        };
    }

    /**
     * True when the step's last command, no longer outstanding, was settled by a reply, so another
     * reply to it is a duplicate; false when it timed out or was abandoned (its outcome is
     * unknown), so a reply to it is late.
     */
    static boolean lastCommandAnswered(StepState step) {
        return switch (step.getStatus()) {
            case SUCCEEDED, UNDONE, CONFIRMED -> true;
            case UNCERTAIN -> false;
            default -> !TIMEOUT.equals(step.getLastErrorCode());
        };
    }
}
