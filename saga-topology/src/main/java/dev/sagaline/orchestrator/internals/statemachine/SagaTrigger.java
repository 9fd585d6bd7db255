package dev.sagaline.orchestrator.internals.statemachine;

/**
 * What happens to a saga: an input from outside (a request, a reply, the clock) or a conclusion
 * the rules reach while handling one. The trigger column of {@link SagaRules}.
 */
public enum SagaTrigger {
    /** A start request for a new saga id. */
    START,
    /** A start request for a saga id that exists already. */
    DUPLICATE_START,
    /** An operator's abort request. */
    ABORT,
    /** The saga's deadline passed. */
    DEADLINE,
    /** An operator's retry request. */
    OPERATOR_RETRY,
    /** The reply to a step's outstanding command. */
    REPLY,
    /** A reply to a command that is no longer outstanding and whose outcome was never learnt. */
    LATE_REPLY,
    /** Another reply to a command that was answered already. */
    DUPLICATE_REPLY,
    /** The last stage succeeded and no step is a TCC step. */
    FORWARD_DONE,
    /** The last stage succeeded and TCC steps must be confirmed. */
    FORWARD_DONE_NEEDS_CONFIRM,
    /** Every TCC step confirmed. */
    ALL_CONFIRMED,
    /** A step before the pivot failed, or ran out of attempts or time. */
    STEP_FAILED,
    /** Every sent, undoable step is compensated or cancelled. */
    ALL_UNDONE,
    /** A COMPENSATE or CANCEL ran out of attempts. */
    UNDO_EXHAUSTED,
    /** A CONFIRM ran out of attempts. */
    CONFIRM_EXHAUSTED,
    /** A retriable step ran out of its (optional) attempts, or was refused. */
    RETRIABLE_EXHAUSTED,
    /** A finished saga's retention ran out. */
    PURGE
}
