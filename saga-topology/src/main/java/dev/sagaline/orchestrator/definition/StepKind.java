package dev.sagaline.orchestrator.definition;

import dev.sagaline.protocol.v1.StepAction;

/**
 * How a step takes part in the saga's all-or-nothing promise. The kind decides which commands the
 * step gets and where it may stand relative to the pivot.
 */
public enum StepKind {
    /** DO forward; COMPENSATE when the saga fails, whatever the DO's outcome, once DO was sent. Before the pivot. */
    COMPENSATABLE(StepAction.DO, StepAction.COMPENSATE),
    /** The point of no return: DO forward, never undone. Once it succeeds the saga only goes forward. At most one. */
    PIVOT(StepAction.DO, null),
    /** DO retried until it succeeds; never undone. After the pivot. */
    RETRIABLE(StepAction.DO, null),
    /** TRY forward; CONFIRM when the saga succeeds, CANCEL when it fails (once TRY was sent). Before the pivot. */
    TCC(StepAction.TRY, StepAction.CANCEL);

    private final StepAction forwardAction;
    private final StepAction undoAction;

    StepKind(StepAction forwardAction, StepAction undoAction) {
        this.forwardAction = forwardAction;
        this.undoAction = undoAction;
    }

    /** DO or TRY. */
    public StepAction forwardAction() {
        return forwardAction;
    }

    /** COMPENSATE or CANCEL; null for steps that are never undone. */
    public StepAction undoAction() {
        return undoAction;
    }

    /** True for steps that are undone when the saga fails. */
    public boolean isUndoable() {
        return undoAction != null;
    }
}
