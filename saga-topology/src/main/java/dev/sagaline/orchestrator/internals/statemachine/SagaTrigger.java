package dev.sagaline.orchestrator.internals.statemachine;

/** What moves a saga from one status to another; the columns of {@link SagaTransitions}. */
public enum SagaTrigger {
    /** A start request for a new saga id. */
    START,
    /** The last stage succeeded and no step is a TCC step. */
    FORWARD_DONE,
    /** The last stage succeeded and TCC steps must be confirmed. */
    FORWARD_DONE_NEEDS_CONFIRM,
    /** Every TCC step confirmed. */
    ALL_CONFIRMED,
    /** A step before the pivot failed, or ran out of attempts or time. */
    STEP_FAILED,
    /** The saga's deadline passed before its pivot succeeded. */
    DEADLINE,
    /** An operator aborted the saga before its pivot succeeded. */
    ABORT,
    /** Every sent, undoable step is compensated or cancelled. */
    ALL_UNDONE,
    /** A COMPENSATE or CANCEL ran out of attempts. */
    UNDO_EXHAUSTED,
    /** A CONFIRM ran out of attempts. */
    CONFIRM_EXHAUSTED,
    /** A retriable step ran out of its (optional) attempts, or was refused. */
    RETRIABLE_EXHAUSTED,
    /** An operator retried a saga stuck going forward. */
    OPERATOR_RETRY_FORWARD,
    /** An operator retried a saga stuck compensating. */
    OPERATOR_RETRY_UNDO,
    /** An operator retried a saga stuck confirming. */
    OPERATOR_RETRY_CONFIRM,
    /** The saga cannot go on for a reason outside the rules: its next record would be too large, or a step's input mapping threw. */
    HALTED,
    /** A finished saga's retention ran out. */
    PURGE
}
