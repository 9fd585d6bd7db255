package dev.sagaline.orchestrator.runtime.support;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepDefinition;
import dev.sagaline.orchestrator.definition.StepKind;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules every saga obeys whatever its participants do, checked on its audit log (which has
 * one STEP_COMMANDED event per command sent, in order with everything else).
 */
public final class SagaInvariants {

    private static final Set<StepAction> FORWARD = EnumSet.of(StepAction.DO, StepAction.TRY);
    private static final Set<StepAction> UNDO = EnumSet.of(StepAction.COMPENSATE, StepAction.CANCEL);
    private static final Set<SagaEventKind> AFTER_FINISH = EnumSet.of(SagaEventKind.DUPLICATE_REPLY_IGNORED, SagaEventKind.LATE_REPLY_IGNORED,
            SagaEventKind.DUPLICATE_START_IGNORED, SagaEventKind.ABORT_REFUSED, SagaEventKind.REQUEST_REFUSED, SagaEventKind.PURGED,
            SagaEventKind.INPUT_DEAD_LETTERED);

    /** The pivot's events after which its command is outstanding and its outcome unknown. */
    private static final Set<SagaEventKind> PIVOT_OUTSTANDING = EnumSet.of(SagaEventKind.STEP_COMMANDED, SagaEventKind.STEP_RESENT,
            SagaEventKind.STEP_TIMED_OUT, SagaEventKind.STEP_IN_DOUBT);
    /** The pivot's events that give it a definite outcome. */
    private static final Set<SagaEventKind> PIVOT_ANSWERED = EnumSet.of(SagaEventKind.STEP_SUCCEEDED, SagaEventKind.STEP_FAILED,
            SagaEventKind.STEP_RETRY_SCHEDULED, SagaEventKind.STEP_RESOLVED);

    private final RandomSagaScript.Run run;
    private final SagaDefinition definition;
    private final List<SagaEvent> events;

    private SagaInvariants(RandomSagaScript.Run run) {
        this.run = run;
        this.definition = run.definition();
        this.events = run.events();
    }

    /**
     * Checks every invariant of a finished run.
     *
     * @throws AssertionError naming the invariant broken, with the saga's log
     */
    public static void check(RandomSagaScript.Run run) {
        SagaHistory.assertWellFormed(RandomSagaScript.SAGA_ID, run.events(), run.commands());
        SagaInvariants invariants = new SagaInvariants(run);
        invariants.finishesOnce();
        invariants.nothingHappensAfterTheFinish();
        invariants.movesForwardStageByStage();
        invariants.undoesOnlySentUndoableSteps();
        invariants.undoesInReverseStageOrder();
        invariants.numbersAttemptsOneByOne();
        invariants.nothingIsUndoneOnceThePivotSucceeded();
        invariants.nothingIsUndoneWhileThePivotsOutcomeIsUnknown();
        invariants.aPivotItsParticipantAppliedEndsCompleted();
        invariants.nothingIsCommandedAfterTheFinish();
        SagaHistory.assertFinishNoticed(RandomSagaScript.SAGA_ID, run.events(), run.commands(), run.finishNotices());
        if (run.status() == SagaStatus.COMPLETED) {
            invariants.completedSagaConfirmedEveryTccStepAndUndidNothing();
        } else {
            invariants.compensatedSagaUndidEverySentStepOnceAndConfirmedNothing();
        }
    }

    private void finishesOnce() {
        check(!run.unfinished() && (run.status() == SagaStatus.COMPLETED || run.status() == SagaStatus.COMPENSATED),
                "cooperating participants did not finish the saga; it is " + run.status());
        long completed = count(SagaEventKind.COMPLETED);
        long compensated = count(SagaEventKind.COMPENSATED);
        check(completed + compensated == 1, "the saga finished " + completed + " times COMPLETED and " + compensated + " times COMPENSATED");
        check((completed == 1) == (run.status() == SagaStatus.COMPLETED), "the saga is " + run.status() + " but its log says otherwise");
    }

    private void nothingHappensAfterTheFinish() {
        int finish = finishIndex();
        for (int i = finish + 1; i < events.size(); i++) {
            check(AFTER_FINISH.contains(events.get(i).getKind()), "event " + (i + 1) + " (" + events.get(i).getKind() + ") follows the finish");
        }
    }

    private void movesForwardStageByStage() {
        for (int i = 0; i < events.size(); i++) {
            SagaEvent e = events.get(i);
            if (!commanded(e, FORWARD) || e.getAttempt() != 1) {
                continue;
            }
            int stage = definition.stageOf(e.getStep());
            for (int earlier = 0; earlier < stage; earlier++) {
                for (StepDefinition step : definition.stages().get(earlier).steps()) {
                    int succeeded = indexOf(SagaEventKind.STEP_SUCCEEDED, step.name());
                    check(succeeded >= 0 && succeeded < i,
                            "step " + e.getStep() + " was commanded (event " + (i + 1) + ") before the earlier step " + step.name() + " succeeded");
                }
            }
        }
    }

    private void undoesOnlySentUndoableSteps() {
        for (int i = 0; i < events.size(); i++) {
            SagaEvent e = events.get(i);
            if (!commanded(e, UNDO)) {
                continue;
            }
            StepKind kind = kindOf(e.getStep());
            check(kind.undoAction() == e.getAction(), "step " + e.getStep() + " (" + kind + ") got " + e.getAction() + " at event " + (i + 1));
            check(firstCommand(e.getStep(), FORWARD) >= 0 && firstCommand(e.getStep(), FORWARD) < i,
                    "step " + e.getStep() + " got " + e.getAction() + " at event " + (i + 1) + " but its forward command was never sent before");
            int undone = indexOf(SagaEventKind.STEP_UNDONE, e.getStep());
            check(undone < 0 || undone > i, "step " + e.getStep() + " got " + e.getAction() + " at event " + (i + 1) + " after it was undone");
        }
    }

    private void undoesInReverseStageOrder() {
        int previous = Integer.MAX_VALUE;
        for (SagaEvent e : events) {
            if (commanded(e, UNDO)) {
                int stage = definition.stageOf(e.getStep());
                check(stage <= previous, "step " + e.getStep() + " of stage " + stage + " was undone after a step of the earlier stage " + previous);
                previous = stage;
            }
        }
    }

    private void numbersAttemptsOneByOne() {
        Map<String, Integer> last = new HashMap<>();
        for (SagaEvent e : events) {
            if (e.getKind() == SagaEventKind.STEP_COMMANDED) {
                String key = e.getStep() + " " + e.getAction();
                int expected = last.getOrDefault(key, 0) + 1;
                check(e.getAttempt() == expected, key + " attempt " + e.getAttempt() + " follows attempt " + (expected - 1));
                last.put(key, e.getAttempt());
            }
        }
    }

    private void nothingIsUndoneOnceThePivotSucceeded() {
        definition.steps().stream().filter(s -> s.kind() == StepKind.PIVOT).findFirst().ifPresent(pivot -> {
            int passed = indexOf(SagaEventKind.STEP_SUCCEEDED, pivot.name());
            if (passed < 0) {
                return;
            }
            for (int i = passed + 1; i < events.size(); i++) {
                check(!commanded(events.get(i), UNDO) && events.get(i).getKind() != SagaEventKind.COMPENSATION_STARTED,
                        "event " + (i + 1) + " (" + events.get(i).getKind() + ") turns the saga back after its pivot succeeded");
            }
            check(run.status() == SagaStatus.COMPLETED, "the pivot succeeded but the saga is " + run.status());
        });
    }

    /**
     * A pivot is resolved, never guessed: no step is compensated while the pivot's command is
     * outstanding (sent, resent, timed out or in doubt) until a definite answer came: its reply, a
     * scheduled retry after a transient error, or a resolve.
     */
    private void nothingIsUndoneWhileThePivotsOutcomeIsUnknown() {
        definition.steps().stream().filter(s -> s.kind() == StepKind.PIVOT).findFirst().ifPresent(pivot -> {
            boolean unknown = false;
            for (int i = 0; i < events.size(); i++) {
                SagaEvent e = events.get(i);
                if (pivot.name().equals(e.getStep())) {
                    if (PIVOT_OUTSTANDING.contains(e.getKind()) && (e.getKind() != SagaEventKind.STEP_COMMANDED || FORWARD.contains(e.getAction()))) {
                        unknown = true;
                    } else if (PIVOT_ANSWERED.contains(e.getKind())) {
                        unknown = false;
                    }
                }
                check(!(unknown && commanded(e, UNDO)), "step " + e.getStep() + " got " + e.getAction() + " at event " + (i + 1)
                        + " while the outcome of the pivot " + pivot.name() + " was unknown");
            }
        });
    }

    /** A pivot cannot be undone, so once its participant applied it (even with its reply lost) the saga goes forward. */
    private void aPivotItsParticipantAppliedEndsCompleted() {
        check(!run.pivotApplied() || run.status() == SagaStatus.COMPLETED,
                "the pivot's participant applied it, but the saga is " + run.status());
    }

    /** Once finished, the saga sends no command (only the FORGET notices, which are not commands). */
    private void nothingIsCommandedAfterTheFinish() {
        int finish = finishIndex();
        for (int i = finish + 1; i < events.size(); i++) {
            SagaEventKind kind = events.get(i).getKind();
            check(kind != SagaEventKind.STEP_COMMANDED && kind != SagaEventKind.STEP_RESENT,
                    "event " + (i + 1) + " (" + kind + ") sends a command after the saga finished");
        }
        long commandedEvents = events.stream().filter(e -> e.getKind() == SagaEventKind.STEP_COMMANDED || e.getKind() == SagaEventKind.STEP_RESENT).count();
        check(run.commands().size() == commandedEvents, "the saga sent " + run.commands().size() + " commands but its log names " + commandedEvents);
    }

    private void completedSagaConfirmedEveryTccStepAndUndidNothing() {
        for (StepDefinition step : definition.steps()) {
            check(count(SagaEventKind.STEP_SUCCEEDED, step.name()) == 1, "completed, but step " + step.name() + " did not succeed exactly once");
            if (step.kind() == StepKind.TCC) {
                check(count(SagaEventKind.STEP_CONFIRMED, step.name()) == 1, "completed, but TCC step " + step.name() + " was not confirmed exactly once");
            }
        }
        check(events.stream().noneMatch(e -> commanded(e, UNDO)), "completed, but a step was compensated or cancelled");
    }

    private void compensatedSagaUndidEverySentStepOnceAndConfirmedNothing() {
        check(events.stream().noneMatch(e -> commanded(e, EnumSet.of(StepAction.CONFIRM))), "compensated, but a step was confirmed");
        for (StepDefinition step : definition.steps()) {
            boolean sent = firstCommand(step.name(), FORWARD) >= 0;
            long undone = count(SagaEventKind.STEP_UNDONE, step.name());
            if (sent && step.kind().isUndoable()) {
                check(undone == 1, "compensated, but the sent step " + step.name() + " was undone " + undone + " times");
            } else {
                check(undone == 0, "compensated, and step " + step.name() + " (sent: " + sent + ", " + step.kind() + ") was undone");
            }
        }
    }

    private boolean commanded(SagaEvent e, Set<StepAction> actions) {
        return e.getKind() == SagaEventKind.STEP_COMMANDED && actions.contains(e.getAction());
    }

    private int firstCommand(String step, Set<StepAction> actions) {
        for (int i = 0; i < events.size(); i++) {
            if (commanded(events.get(i), actions) && step.equals(events.get(i).getStep())) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(SagaEventKind kind, String step) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).getKind() == kind && step.equals(events.get(i).getStep())) {
                return i;
            }
        }
        return -1;
    }

    private int finishIndex() {
        for (int i = 0; i < events.size(); i++) {
            SagaEventKind kind = events.get(i).getKind();
            if (kind == SagaEventKind.COMPLETED || kind == SagaEventKind.COMPENSATED) {
                return i;
            }
        }
        return events.size();
    }

    private long count(SagaEventKind kind) {
        return events.stream().filter(e -> e.getKind() == kind).count();
    }

    private long count(SagaEventKind kind, String step) {
        return events.stream().filter(e -> e.getKind() == kind && step.equals(e.getStep())).count();
    }

    private StepKind kindOf(String step) {
        return definition.step(step).orElseThrow().kind();
    }

    private void check(boolean ok, String problem) {
        if (!ok) {
            throw new AssertionError("saga invariant broken: " + problem + "\n" + SagaHistory.describe(events));
        }
    }
}
