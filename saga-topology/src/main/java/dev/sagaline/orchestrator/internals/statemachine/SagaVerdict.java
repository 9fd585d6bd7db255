package dev.sagaline.orchestrator.internals.statemachine;

/**
 * The action column of {@link SagaRules}: what the orchestrator does after a row's status change
 * and event. {@link SagaRun} carries verdicts out and decides nothing of its own.
 */
public enum SagaVerdict {
    /** Command the first stage. */
    BEGIN,
    /** Nothing beyond the row's event: the input is ignored or refused. */
    RECORD,
    /** Refuse the deadline and forget it, so it does not fire again. */
    DROP_DEADLINE,
    /** Settle the step whose outstanding command was answered, by the {@link OutcomeRules}. */
    SETTLE,
    /**
     * Turn back without waiting for forward commands still outstanding: their outcome becomes
     * unknown (UNCERTAIN) and they are compensated at once.
     */
    TURN_BACK_ABANDONING_IN_FLIGHT,
    /**
     * Turn back, awaiting forward commands still outstanding, so the members of a parallel group
     * are compensated together once all have settled.
     */
    TURN_BACK_AWAITING_IN_FLIGHT,
    /** Nothing is commanded any more until an operator retries; outstanding commands are forgotten. */
    STICK,
    /** Resend what the saga was stuck on, with a fresh budget of attempts; an in-doubt command is resent with its own id. */
    RESUME,
    /**
     * Remember the abort or deadline until the in-doubt step is answered: refused if it succeeded,
     * carried out if it did not.
     */
    DEFER_TURN_BACK,
    /** The in-doubt step succeeded: go on as if its reply had said so. */
    RESOLVE_FORWARD,
    /** The in-doubt step did not happen: fail it and turn back, as if its reply had said so. */
    RESOLVE_BACK,
    /** Record what a command left outstanding by a STUCK saga turned out to do, for the operator's retry to build on. */
    RECORD_OUTCOME,
    /** Move on to the next phase (confirming). */
    PROCEED,
    /** The saga has finished: its retention starts now, and every participant it commanded gets a FORGET notice, so theirs does too. */
    FINISH,
    /** Keep only the finished saga's id, type and outcome, to recognise a duplicate start. */
    COMPACT,
    /** Delete the finished saga from the store. */
    FORGET
}
