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
    /** An operator asserts that the in-doubt step succeeded, or its reply says so while the saga is STUCK. */
    RESOLVE_SUCCEEDED,
    /** An operator asserts that the in-doubt step did not happen, or its reply says so while the saga is STUCK. */
    RESOLVE_NOT_APPLIED,
    /** A resolve request for a step that is not in doubt. */
    RESOLVE_NOT_IN_DOUBT,
    /** A step that cannot be undone stayed in doubt longer than the configured bound. */
    IN_DOUBT_UNRESOLVED,
    /** The saga cannot go on for a reason outside the rules: its next record would be too large, or a step's input mapping threw. */
    HALTED,
    /** A record keyed by the saga that the orchestrator cannot act on; it goes to the dead-letter topic. */
    INPUT_REJECTED,
    /** A reply to a command that was still outstanding when the saga got STUCK. */
    REPLY_WHILE_STUCK,
    /** A finished saga's retention ran out: its details go, its id and outcome stay. */
    PURGE,
    /** A finished saga's id window ran out: it leaves the store. */
    FORGET
}
