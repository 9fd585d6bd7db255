package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepDefinition;
import dev.sagaline.orchestrator.definition.StepKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.protocol.v1.StepStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a saga's stages: forward while it runs, backward while it compensates, over the TCC
 * steps while it confirms. Each call sends what the current stage calls for and says whether the
 * saga must wait for replies, may look again, or has reached the end of its walk.
 */
final class StageWalk {

    /** Where a walk step left the saga. */
    enum Next {
        /** Replies are awaited. */
        WAIT,
        /** The cursor moved; look again. */
        AGAIN,
        /** Every stage succeeded. */
        FORWARD_DONE,
        /** Every sent, undoable step is compensated or cancelled. */
        ALL_UNDONE,
        /** Every TCC step is confirmed. */
        ALL_CONFIRMED
    }

    /** Sends attempt {@code attempt} of {@code action} to the step at index {@code step}. */
    interface Sender {
        void send(int step, StepAction action, int attempt);
    }

    private final SagaDefinition definition;
    private final SagaState state;
    private final Sender sender;

    StageWalk(SagaDefinition definition, SagaState state, Sender sender) {
        this.definition = definition;
        this.state = state;
        this.sender = sender;
    }

    /** Commands the current stage's steps not commanded yet; moves on once all have succeeded. */
    Next forward() {
        int cursor = state.getCursor();
        if (cursor >= definition.stages().size()) {
            return Next.FORWARD_DONE;
        }
        boolean allSucceeded = true;
        for (int i : stageSteps(cursor)) {
            StepState step = step(i);
            if (step.getStatus() == StepStatus.PENDING) {
                step.setBudgetStart(0);
                sender.send(i, stepDef(i).kind().forwardAction(), 1);
            }
            allSucceeded &= step.getStatus() == StepStatus.SUCCEEDED;
        }
        if (!allSucceeded) {
            return Next.WAIT;
        }
        state.setCursor(cursor + 1);
        return Next.AGAIN;
    }

    /**
     * Once no member of the current stage awaits a forward reply, undoes every member whose forward
     * command was sent; moves back once all are undone.
     */
    Next undo() {
        int cursor = Math.min(state.getCursor(), definition.stages().size() - 1);
        state.setCursor(cursor);
        if (cursor < 0) {
            return Next.ALL_UNDONE;
        }
        List<Integer> members = stageSteps(cursor);
        for (int i : members) {
            StepState step = step(i);
            if (StepLifecycle.isForward(step.getAction()) && step.getCommandId() != null) {
                return Next.WAIT;
            }
        }
        boolean allUndone = true;
        for (int i : members) {
            StepState step = step(i);
            if (!step.getSent() || !stepDef(i).kind().isUndoable()) {
                continue;
            }
            StepStatus status = step.getStatus();
            if (status == StepStatus.SUCCEEDED || status == StepStatus.FAILED || status == StepStatus.UNCERTAIN) {
                step.setBudgetStart(0);
                sender.send(i, stepDef(i).kind().undoAction(), 1);
            }
            allUndone &= step.getStatus() == StepStatus.UNDONE;
        }
        if (!allUndone) {
            return Next.WAIT;
        }
        state.setCursor(cursor - 1);
        return Next.AGAIN;
    }

    /** Confirms every TCC step that succeeded. */
    Next confirm() {
        boolean allConfirmed = true;
        for (int i = 0; i < state.getSteps().size(); i++) {
            if (stepDef(i).kind() != StepKind.TCC) {
                continue;
            }
            StepState step = step(i);
            if (step.getStatus() == StepStatus.SUCCEEDED) {
                step.setBudgetStart(0);
                sender.send(i, StepAction.CONFIRM, 1);
            }
            allConfirmed &= step.getStatus() == StepStatus.CONFIRMED;
        }
        return allConfirmed ? Next.ALL_CONFIRMED : Next.WAIT;
    }

    /** The steps an operator retry resends: those the saga was stuck on when it was {@code resume}. */
    List<Integer> stuckScope(SagaStatus resume) {
        List<Integer> scope = new ArrayList<>();
        if (resume == SagaStatus.CONFIRMING) {
            for (int i = 0; i < state.getSteps().size(); i++) {
                if (stepDef(i).kind() == StepKind.TCC && step(i).getStatus() != StepStatus.CONFIRMED) {
                    scope.add(i);
                }
            }
            return scope;
        }
        for (int i : stageSteps(state.getCursor())) {
            StepState step = step(i);
            boolean pending = resume == SagaStatus.RUNNING
                    ? step.getStatus() != StepStatus.SUCCEEDED && step.getStatus() != StepStatus.PENDING
                    : step.getSent() && stepDef(i).kind().isUndoable() && step.getStatus() != StepStatus.UNDONE;
            if (pending) {
                scope.add(i);
            }
        }
        return scope;
    }

    /** The action an operator retry resends to step {@code i} of a saga resuming as {@code resumed}. */
    StepAction actionResuming(int i, SagaStatus resumed) {
        return switch (resumed) {
            case RUNNING -> stepDef(i).kind().forwardAction();
            case CONFIRMING -> StepAction.CONFIRM;
            default -> stepDef(i).kind().undoAction();
        };
    }

    private List<Integer> stageSteps(int stage) {
        List<Integer> indexes = new ArrayList<>();
        for (StepDefinition s : definition.stages().get(stage).steps()) {
            indexes.add(definition.indexOf(s.name()));
        }
        return indexes;
    }

    private StepState step(int i) {
        return state.getSteps().get(i);
    }

    private StepDefinition stepDef(int i) {
        return definition.steps().get(i);
    }
}
