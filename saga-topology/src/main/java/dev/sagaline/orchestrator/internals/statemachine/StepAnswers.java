package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.StepDefinition;
import dev.sagaline.orchestrator.definition.StepKind;
import dev.sagaline.orchestrator.internals.statemachine.OutcomeRules.Ending;
import dev.sagaline.orchestrator.internals.statemachine.OutcomeRules.Role;
import dev.sagaline.orchestrator.internals.statemachine.StepLifecycle.Move;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.protocol.v1.TurnBackCause;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.time.Instant;

/**
 * Carries out what a step's answer means: the {@link OutcomeRules} verdict for a reply or a
 * timeout, the resending of an in-doubt command, and what a reply records while the saga is
 * STUCK. Status changes of the saga go back through {@link SagaRun#follow}, so they stay rows of
 * {@link SagaRules}.
 */
final class StepAnswers {

    private final SagaRun run;
    private final SagaState state;
    private final StepPolicies policies;
    private final SagaOutput out;
    private final long now;

    StepAnswers(SagaRun run, SagaState state, StepPolicies policies, SagaOutput out, long now) {
        this.run = run;
        this.state = state;
        this.policies = policies;
        this.out = out;
        this.now = now;
    }

    /** Step {@code i}'s outstanding command got no reply within its timeout. */
    void timedOut(int i) {
        StepState step = run.step(i);
        step.setLastErrorCode(OutcomeRules.TIMEOUT);
        step.setLastErrorMessage("no reply to " + step.getAction() + " attempt " + step.getAttempt() + " within "
                + policies.timeout(run.stepDef(i)));
        String reason = step.getAction() + " attempt " + step.getAttempt() + " timed out";
        out.event(SagaEventKind.STEP_TIMED_OUT).step(step.getName()).reason(reason).error(OutcomeRules.TIMEOUT, step.getLastErrorMessage())
                .command(step.getAction(), step.getAttempt(), step.getCommandId()).write();
        settle(i, Ending.TIMED_OUT, null, reason);
    }

    /** Carries out the {@link OutcomeRules} verdict for step {@code i}'s outstanding command, which ended so. */
    void settle(int i, Ending ending, Payload output, String reason) {
        StepState step = run.step(i);
        StepDefinition def = run.stepDef(i);
        String outstanding = step.getCommandId();
        step.setCommandId(null);
        step.setDueMs(null);
        Role role = OutcomeRules.roleOf(def.kind(), step.getAction(), state.getStatus(), state.getPendingTurnBackCause() != null);
        boolean forward = StepLifecycle.isForward(step.getAction());
        String told = forward ? reason : step.getAction() + " " + reason;
        switch (OutcomeRules.verdict(role, ending)) {
            case SUCCEED -> succeed(step, def, output, told);
            case SUCCEED_REFUSING_TURN_BACK -> {
                succeed(step, def, output, told);
                refusePendingTurnBack();
            }
            case CLOSE -> {
                boolean confirm = step.getAction() == StepAction.CONFIRM;
                StepLifecycle.move(step, confirm ? Move.CONFIRM_SUCCEEDED : Move.UNDO_SUCCEEDED);
                out.event(confirm ? SagaEventKind.STEP_CONFIRMED : SagaEventKind.STEP_UNDONE).step(step.getName()).reason(told).write();
            }
            case FAIL -> fail(step, told);
            case FAIL_AND_TURN_BACK -> {
                fail(step, told);
                run.follow(SagaTrigger.STEP_FAILED, rule -> "step " + step.getName() + " failed: " + step.getLastErrorCode(), null);
            }
            case FAIL_AND_STICK -> {
                fail(step, told);
                run.follow(SagaTrigger.RETRIABLE_EXHAUSTED, rule -> "retriable step " + step.getName() + " was refused ("
                        + step.getLastErrorCode() + "); a retriable step must not fail, so an operator decides", step);
            }
            case RETRY_ELSE_TURN_BACK -> {
                int made = attemptsMade(step);
                if (!retry(step, policies.forward(def), told)) {
                    StepLifecycle.move(step, ending == Ending.TIMED_OUT ? Move.FORWARD_UNKNOWN : Move.FORWARD_FAILED);
                    out.event(SagaEventKind.STEP_FAILED).about(step).reason(told + "; no attempts left after " + made).write();
                    run.follow(SagaTrigger.STEP_FAILED, rule -> "step " + step.getName() + " failed after " + made + " attempts: "
                            + step.getLastErrorCode(), null);
                }
            }
            case RETRY_ELSE_STUCK -> {
                int made = attemptsMade(step);
                if (!retry(step, forward ? policies.forward(def) : policies.undo(def), told)) {
                    if (forward) {
                        StepLifecycle.move(step, ending == Ending.TIMED_OUT ? Move.FORWARD_UNKNOWN : Move.FORWARD_FAILED);
                    }
                    SagaTrigger trigger = role == Role.RETRIABLE ? SagaTrigger.RETRIABLE_EXHAUSTED
                            : role == Role.CONFIRM ? SagaTrigger.CONFIRM_EXHAUSTED : SagaTrigger.UNDO_EXHAUSTED;
                    String what = forward ? "retriable step " + step.getName() : step.getAction() + " of step " + step.getName();
                    run.follow(trigger, rule -> what + " gave up after " + made + " attempts: " + step.getLastErrorCode(), step);
                }
            }
            case RESOLVE_IN_DOUBT -> {
                step.setCommandId(outstanding);
                StepLifecycle.move(step, Move.FORWARD_UNKNOWN);
                if (step.getInDoubtSinceMs() == null) {
                    step.setInDoubtSinceMs(Instant.ofEpochMilli(now));
                }
                step.setDueMs(Instant.ofEpochMilli(now + resendWait(step, def)));
                out.event(SagaEventKind.STEP_IN_DOUBT).about(step).command(step.getAction(), step.getAttempt(), outstanding)
                        .reason(told + "; its outcome is unknown and it cannot be undone, so the same command is sent again until it is answered")
                        .write();
            }
            case LEAVE_UNCERTAIN -> StepLifecycle.move(step, Move.FORWARD_UNKNOWN);
            default -> throw new IllegalStateException("outcome verdict for " + role + " on " + ending + " is not carried out");
        }
    }

    /**
     * Step {@code i} is in doubt and its resend is due: the same command goes out again, or, once
     * the step has been in doubt for the configured bound, the saga goes STUCK for an operator.
     */
    void resendInDoubt(int i) {
        StepState step = run.step(i);
        long since = step.getInDoubtSinceMs().toEpochMilli();
        if (now - since >= policies.inDoubtMax().toMillis()) {
            step.setDueMs(null);
            run.follow(SagaTrigger.IN_DOUBT_UNRESOLVED, rule -> "pivot in doubt: step " + step.getName() + " gave no definite answer to "
                    + step.getAction() + " attempt " + step.getAttempt() + " within " + policies.inDoubtMax()
                    + "; check with the participant and resolve it", step);
            return;
        }
        resend(i);
    }

    /** Sends step {@code i}'s in-doubt command again, with its own id. */
    void resend(int i) {
        StepState step = run.step(i);
        StepLifecycle.move(step, Move.FORWARD_RESENT);
        step.setResends(step.getResends() + 1);
        step.setDueMs(Instant.ofEpochMilli(now + policies.timeout(run.stepDef(i)).toMillis() + resendWait(step, run.stepDef(i))));
        run.emitCommand(i);
        out.event(SagaEventKind.STEP_RESENT).step(step.getName()).reason(step.getAction() + " attempt " + step.getAttempt()
                + " sent again (" + step.getResends() + ") while its outcome is unknown")
                .command(step.getAction(), step.getAttempt(), step.getCommandId()).write();
    }

    /**
     * A reply to a command still outstanding when the saga got STUCK: its outcome is recorded on the
     * step, so an operator's retry does not repeat what already succeeded; nothing else moves.
     */
    void recordWhileStuck(int i, Ending ending, Payload output, String reason) {
        StepState step = run.step(i);
        step.setCommandId(null);
        step.setDueMs(null);
        boolean forward = StepLifecycle.isForward(step.getAction());
        if (ending == Ending.SUCCEEDED) {
            if (forward) {
                succeed(step, run.stepDef(i), output, reason);
            } else {
                boolean confirm = step.getAction() == StepAction.CONFIRM;
                StepLifecycle.move(step, confirm ? Move.CONFIRM_SUCCEEDED : Move.UNDO_SUCCEEDED);
                out.event(confirm ? SagaEventKind.STEP_CONFIRMED : SagaEventKind.STEP_UNDONE).step(step.getName())
                        .reason(step.getAction() + " " + reason).write();
            }
        } else if (forward) {
            fail(step, reason);
        } else {
            out.event(SagaEventKind.STEP_FAILED).about(step).command(step.getAction(), step.getAttempt(), null)
                    .reason(step.getAction() + " " + reason + " while the saga is STUCK").write();
        }
    }

    /**
     * The in-doubt step is resolved as {@code succeeded} (by its reply or an operator): it leaves
     * doubt, and its outcome is recorded as a step event like any reply's, after the saga's
     * STEP_RESOLVED.
     */
    void leaveDoubt(StepState step, boolean succeeded, Payload output, String reason) {
        step.setCommandId(null);
        step.setDueMs(null);
        step.setInDoubtSinceMs(null);
        if (succeeded) {
            StepLifecycle.move(step, Move.FORWARD_SUCCEEDED);
            step.setOutput(output);
            out.event(SagaEventKind.STEP_SUCCEEDED).step(step.getName()).reason(reason).write();
            state.setPivotPassed(true);
            refusePendingTurnBack();
        } else {
            fail(step, reason);
        }
    }

    private void succeed(StepState step, StepDefinition def, Payload output, String reason) {
        StepLifecycle.move(step, Move.FORWARD_SUCCEEDED);
        step.setOutput(output);
        step.setInDoubtSinceMs(null);
        out.event(SagaEventKind.STEP_SUCCEEDED).step(step.getName()).reason(reason).write();
        if (def.kind() == StepKind.PIVOT) {
            state.setPivotPassed(true);
        }
    }

    private void fail(StepState step, String reason) {
        StepLifecycle.move(step, Move.FORWARD_FAILED);
        step.setInDoubtSinceMs(null);
        out.event(SagaEventKind.STEP_FAILED).about(step).reason(reason).write();
    }

    /** The pivot succeeded: the abort or deadline that waited for it is refused, as it would have been after. */
    private void refusePendingTurnBack() {
        TurnBackCause cause = state.getPendingTurnBackCause();
        if (cause == null) {
            return;
        }
        out.event(cause == TurnBackCause.DEADLINE ? SagaEventKind.DEADLINE_REFUSED : SagaEventKind.ABORT_REFUSED)
                .reason(state.getPendingTurnBackReason() + " refused: the pivot step succeeded, so the saga only goes forward").write();
        state.setPendingTurnBackCause(null);
        state.setPendingTurnBackReason(null);
    }

    /** Schedules the next attempt if {@code policy}'s budget allows one; returns whether it did. */
    private boolean retry(StepState step, RetryPolicy policy, String reason) {
        int made = attemptsMade(step);
        if (!policy.allowsAnotherAfter(made)) {
            return false;
        }
        String nextCommandId = CommandIds.of(state.getSagaId(), step.getName(), step.getAction(), step.getAttempt() + 1);
        long wait = policy.backoffAfter(made, CommandIds.spread(nextCommandId)).toMillis();
        step.setDueMs(Instant.ofEpochMilli(now + wait));
        out.event(SagaEventKind.STEP_RETRY_SCHEDULED).about(step)
                .reason(reason + "; attempt " + (step.getAttempt() + 1) + " in " + wait + " ms").write();
        return true;
    }

    /** The wait before an in-doubt command goes out again, on top of its timeout: the forward policy's backoff for the resends made so far. */
    private long resendWait(StepState step, StepDefinition def) {
        return policies.forward(def).backoffAfter(step.getResends() + 1, CommandIds.spread(step.getCommandId())).toMillis();
    }

    private static int attemptsMade(StepState step) {
        return step.getAttempt() - step.getBudgetStart();
    }
}
