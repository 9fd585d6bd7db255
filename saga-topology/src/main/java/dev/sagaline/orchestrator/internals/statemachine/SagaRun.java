package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.RetryPolicy;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepDefinition;
import dev.sagaline.orchestrator.definition.StepKind;
import dev.sagaline.orchestrator.internals.statemachine.OutcomeRules.Ending;
import dev.sagaline.orchestrator.internals.statemachine.OutcomeRules.Role;
import dev.sagaline.orchestrator.internals.statemachine.StepLifecycle.Move;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.protocol.v1.StepStatus;
import java.time.Instant;
import java.util.function.Function;

/**
 * One input applied to one saga: it classifies the input as a {@link SagaTrigger}, looks up the
 * row of {@link SagaRules} (and, for a step's answer, of {@link OutcomeRules}), and carries out
 * the row's verdict, changing step statuses only through {@link StepLifecycle}. The rules live in
 * those tables; this class holds none of its own beyond walking the stages.
 *
 * <p>Everything here is a function of the state, the input and {@code now}: command ids and
 * retry jitter are derived ({@link CommandIds}), not drawn, so a replay after a crash decides the same.
 */
final class SagaRun {

    private final SagaDefinition definition;
    private final SagaState state;
    private final StepPolicies policies;
    private final long now;
    private final String requestId;
    private final SagaOutput out;
    private boolean purged;

    SagaRun(SagaDefinition definition, SagaState state, StepPolicies policies, String replyTopic, long now, String requestId) {
        this.definition = definition;
        this.state = state;
        this.policies = policies;
        this.now = now;
        this.requestId = requestId;
        this.out = new SagaOutput(state, replyTopic, now);
    }

    SagaDecision decision() {
        return new SagaDecision(purged ? null : state, out.commands(), out.events(), nextDue());
    }

    // ---- inputs: classify, look up the row, carry out its verdict -------------------------------

    void start() {
        follow(SagaTrigger.START, rule -> "started" + (requestId == null ? "" : " by request " + requestId), null);
        advance();
    }

    void duplicateStart() {
        follow(SagaTrigger.DUPLICATE_START, rule -> "a saga with this id exists already", null);
    }

    void abort(String reason) {
        String why = "operator abort" + (reason == null ? "" : ": " + reason);
        follow(SagaTrigger.ABORT, rule -> rule.verdict() == SagaVerdict.RECORD ? why + " refused: " + refusal() : why, null);
        advance();
    }

    void operatorRetry(String reason) {
        String why = "operator retry" + (reason == null ? "" : ": " + reason);
        follow(SagaTrigger.OPERATOR_RETRY, rule -> rule.verdict() == SagaVerdict.RECORD
                ? "operator retry refused: the saga is " + state.getStatus() + ", not STUCK" : why, null);
        advance();
    }

    void reply(StepReply reply) {
        int i = definition.indexOf(reply.getStep());
        StepState step = step(i);
        if (step.getCommandId() == null || !step.getCommandId().equals(reply.getCommandId())) {
            boolean duplicate = step.getCommandId() == null && reply.getAction() == step.getAction()
                    && reply.getAttempt() == step.getAttempt() && OutcomeRules.lastCommandAnswered(step);
            SagaRules.Rule rule = SagaRules.lookup(state, duplicate ? SagaTrigger.DUPLICATE_REPLY : SagaTrigger.LATE_REPLY);
            out.event(rule.event()).step(reply.getStep())
                    .reason((duplicate ? "duplicate reply " : "reply to a command no longer outstanding ") + reply.getAction()
                            + " attempt " + reply.getAttempt() + " (" + reply.getOutcome() + ")")
                    .error(reply.getErrorCode(), reply.getErrorMessage())
                    .command(reply.getAction(), reply.getAttempt(), reply.getCommandId())
                    .write();
            return;
        }
        SagaRules.lookup(state, SagaTrigger.REPLY);
        step.setCommandId(null);
        step.setDueMs(null);
        StepOutcome outcome = reply.getOutcome();
        if (outcome != StepOutcome.SUCCEEDED) {
            step.setLastErrorCode(reply.getErrorCode() == null ? outcome.name() : reply.getErrorCode());
            step.setLastErrorMessage(reply.getErrorMessage());
        }
        String reason = StepLifecycle.isForward(step.getAction()) ? "step " + step.getName() + " replied " + outcome : "replied " + outcome;
        settle(i, OutcomeRules.endingOf(outcome), reply.getOutput(), reason);
        advance();
    }

    /** Fires whatever is due at {@code now}: the purge, the deadline, timeouts and retries. */
    void timers() {
        SagaStatus status = state.getStatus();
        if (SagaRules.isTerminal(status)) {
            if (state.getFinishedAtMs() != null && purgeAt() <= now) {
                follow(SagaTrigger.PURGE, rule -> "retention of finished sagas elapsed", null);
            }
            return;
        }
        if (deadlineArmed() && state.getDeadlineMs().toEpochMilli() <= now) {
            follow(SagaTrigger.DEADLINE, rule -> rule.verdict() == SagaVerdict.DROP_DEADLINE
                    ? "deadline " + state.getDeadlineMs() + " passed, refused: " + refusal()
                    : "deadline " + state.getDeadlineMs() + " exceeded", null);
        }
        for (int i = 0; i < state.getSteps().size(); i++) {
            StepState step = step(i);
            if (step.getDueMs() == null || step.getDueMs().toEpochMilli() > now) {
                continue;
            }
            if (step.getCommandId() != null) {
                timedOut(i);
            } else {
                step.setDueMs(null);
                send(i, step.getAction(), step.getAttempt() + 1);
            }
        }
        advance();
    }

    /** The earliest time something is due for this saga, or null when nothing is. */
    Long nextDue() {
        SagaStatus status = state.getStatus();
        if (purged || status == SagaStatus.STUCK) {
            return null;
        }
        if (SagaRules.isTerminal(status)) {
            return state.getFinishedAtMs() == null ? null : purgeAt();
        }
        long next = deadlineArmed() ? state.getDeadlineMs().toEpochMilli() : Long.MAX_VALUE;
        for (StepState step : state.getSteps()) {
            if (step.getDueMs() != null) {
                next = Math.min(next, step.getDueMs().toEpochMilli());
            }
        }
        return next == Long.MAX_VALUE ? null : next;
    }

    // ---- saga rows ----------------------------------------------------------------------------

    /**
     * Looks up the row for {@code trigger}, changes the status, writes the row's event (its reason
     * worded for the row, its step the culprit, if any) and carries out the row's verdict.
     */
    private void follow(SagaTrigger trigger, Function<SagaRules.Rule, String> reason, StepState culprit) {
        SagaStatus from = state.getStatus();
        SagaRules.Rule rule = SagaRules.lookup(trigger == SagaTrigger.START ? null : state, trigger);
        String why = reason.apply(rule);
        if (rule.to() != null) {
            state.setStatus(rule.to());
        }
        SagaOutput.Event event = out.event(rule.event()).reason(why);
        if (culprit != null) {
            event.about(culprit).command(culprit.getAction(), culprit.getAttempt(), null);
        }
        if (rule.changesStatus()) {
            event.statuses(rule.from(), rule.to() == null ? from : rule.to());
        }
        event.write();
        switch (rule.verdict()) {
            case BEGIN, RECORD, PROCEED, SETTLE -> { }
            case DROP_DEADLINE -> state.setDeadlineMs(null);
            case TURN_BACK_ABANDONING_IN_FLIGHT -> turnBack(why, true);
            case TURN_BACK_AWAITING_IN_FLIGHT -> turnBack(why, false);
            case STICK -> stick(from);
            case RESUME -> resume(rule.to());
            case FINISH -> state.setFinishedAtMs(Instant.ofEpochMilli(now));
            case PURGE -> purged = true;
            default -> throw new IllegalStateException("verdict " + rule.verdict() + " of " + rule + " is not carried out");
        }
    }

    private void turnBack(String reason, boolean abandonInFlight) {
        state.setFailureReason(reason);
        for (StepState step : state.getSteps()) {
            if (!StepLifecycle.isForward(step.getAction()) || step.getStatus() != StepStatus.IN_FLIGHT) {
                continue;
            }
            if (step.getCommandId() == null) {
                StepLifecycle.move(step, Move.FORWARD_FAILED);
                step.setDueMs(null);
            } else if (abandonInFlight) {
                StepLifecycle.move(step, Move.FORWARD_UNKNOWN);
                step.setCommandId(null);
                step.setDueMs(null);
            }
        }
    }

    private void stick(SagaStatus from) {
        state.setStuckFrom(from);
        for (StepState step : state.getSteps()) {
            step.setCommandId(null);
            step.setDueMs(null);
        }
    }

    /** Resends what the saga was stuck on, with a fresh budget of attempts, and goes on as {@code resumed}. */
    private void resume(SagaStatus resumed) {
        state.setStuckFrom(null);
        for (int i : stages().stuckScope(resumed)) {
            StepState step = step(i);
            StepAction action = stages().actionResuming(i, resumed);
            if (step.getAction() == action) {
                step.setBudgetStart(step.getAttempt());
                send(i, action, step.getAttempt() + 1);
            } else {
                step.setBudgetStart(0);
                send(i, action, 1);
            }
        }
    }

    // ---- step answers -------------------------------------------------------------------------

    private void timedOut(int i) {
        StepState step = step(i);
        String commandId = step.getCommandId();
        step.setCommandId(null);
        step.setDueMs(null);
        step.setLastErrorCode(OutcomeRules.TIMEOUT);
        step.setLastErrorMessage("no reply to " + step.getAction() + " attempt " + step.getAttempt() + " within " + policies.timeout(stepDef(i)));
        String reason = step.getAction() + " attempt " + step.getAttempt() + " timed out";
        out.event(SagaEventKind.STEP_TIMED_OUT).step(step.getName()).reason(reason).error(OutcomeRules.TIMEOUT, step.getLastErrorMessage())
                .command(step.getAction(), step.getAttempt(), commandId).write();
        settle(i, Ending.TIMED_OUT, null, reason);
    }

    /** Carries out the {@link OutcomeRules} verdict for step {@code i}'s command that ended so. */
    private void settle(int i, Ending ending, Payload output, String reason) {
        StepState step = step(i);
        StepDefinition def = stepDef(i);
        Role role = OutcomeRules.roleOf(def.kind(), step.getAction(), state.getStatus());
        boolean forward = StepLifecycle.isForward(step.getAction());
        String told = forward ? reason : step.getAction() + " " + reason;
        switch (OutcomeRules.verdict(role, ending)) {
            case SUCCEED -> {
                StepLifecycle.move(step, Move.FORWARD_SUCCEEDED);
                step.setOutput(output);
                out.event(SagaEventKind.STEP_SUCCEEDED).step(step.getName()).reason(told).write();
                if (def.kind() == StepKind.PIVOT) {
                    state.setPivotPassed(true);
                }
            }
            case CLOSE -> {
                boolean confirm = step.getAction() == StepAction.CONFIRM;
                StepLifecycle.move(step, confirm ? Move.CONFIRM_SUCCEEDED : Move.UNDO_SUCCEEDED);
                out.event(confirm ? SagaEventKind.STEP_CONFIRMED : SagaEventKind.STEP_UNDONE).step(step.getName()).reason(told).write();
            }
            case FAIL -> fail(step, told);
            case FAIL_AND_TURN_BACK -> {
                fail(step, told);
                follow(SagaTrigger.STEP_FAILED, rule -> "step " + step.getName() + " failed: " + step.getLastErrorCode(), null);
            }
            case RETRY_ELSE_TURN_BACK -> {
                int made = attemptsMade(step);
                if (!retry(i, policies.forward(def), told)) {
                    StepLifecycle.move(step, ending == Ending.TIMED_OUT ? Move.FORWARD_UNKNOWN : Move.FORWARD_FAILED);
                    out.event(SagaEventKind.STEP_FAILED).about(step).reason(told + "; no attempts left after " + made).write();
                    follow(SagaTrigger.STEP_FAILED, rule -> "step " + step.getName() + " failed after " + made + " attempts: "
                            + step.getLastErrorCode(), null);
                }
            }
            case RETRY_ELSE_STUCK -> {
                int made = attemptsMade(step);
                if (!retry(i, forward ? policies.forward(def) : policies.undo(def), told)) {
                    if (forward) {
                        StepLifecycle.move(step, ending == Ending.TIMED_OUT ? Move.FORWARD_UNKNOWN : Move.FORWARD_FAILED);
                    }
                    SagaTrigger trigger = role == Role.RETRIABLE ? SagaTrigger.RETRIABLE_EXHAUSTED
                            : role == Role.CONFIRM ? SagaTrigger.CONFIRM_EXHAUSTED : SagaTrigger.UNDO_EXHAUSTED;
                    String what = forward ? "retriable step " + step.getName() : step.getAction() + " of step " + step.getName();
                    follow(trigger, rule -> what + " gave up after " + made + " attempts: " + step.getLastErrorCode(), step);
                }
            }
            case LEAVE_UNCERTAIN -> StepLifecycle.move(step, Move.FORWARD_UNKNOWN);
            default -> throw new IllegalStateException("outcome verdict for " + role + " on " + ending + " is not carried out");
        }
    }

    private void fail(StepState step, String reason) {
        StepLifecycle.move(step, Move.FORWARD_FAILED);
        out.event(SagaEventKind.STEP_FAILED).about(step).reason(reason).write();
    }

    /** Schedules the next attempt if {@code policy}'s budget allows one; returns whether it did. */
    private boolean retry(int i, RetryPolicy policy, String reason) {
        StepState step = step(i);
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

    private static int attemptsMade(StepState step) {
        return step.getAttempt() - step.getBudgetStart();
    }

    // ---- walking the stages -------------------------------------------------------------------

    /** Sends whatever the saga's status and current stage call for, until it must wait. */
    private void advance() {
        StageWalk stages = stages();
        while (true) {
            StageWalk.Next next = switch (state.getStatus()) {
                case RUNNING -> stages.forward();
                case COMPENSATING -> stages.undo();
                case CONFIRMING -> stages.confirm();
                default -> StageWalk.Next.WAIT;
            };
            switch (next) {
                case WAIT -> {
                    return;
                }
                case AGAIN -> {
                }
                case FORWARD_DONE -> follow(definition.hasTccSteps() ? SagaTrigger.FORWARD_DONE_NEEDS_CONFIRM : SagaTrigger.FORWARD_DONE,
                        rule -> rule.trigger() == SagaTrigger.FORWARD_DONE ? "every step succeeded" : "every step succeeded; confirming TCC steps", null);
                case ALL_UNDONE -> follow(SagaTrigger.ALL_UNDONE, rule -> "every sent step is compensated", null);
                case ALL_CONFIRMED -> {
                    follow(SagaTrigger.ALL_CONFIRMED, rule -> "every TCC step confirmed", null);
                    return;
                }
                default -> throw new IllegalStateException("stage walk result " + next);
            }
        }
    }

    private StageWalk stages() {
        return new StageWalk(definition, state, this::send);
    }

    /** Sends attempt {@code attempt} of {@code action} to step {@code i}. */
    private void send(int i, StepAction action, int attempt) {
        StepState step = step(i);
        StepDefinition def = stepDef(i);
        step.setAction(action);
        step.setAttempt(attempt);
        step.setCommandId(CommandIds.of(state.getSagaId(), step.getName(), action, attempt));
        step.setDueMs(Instant.ofEpochMilli(now + policies.timeout(def).toMillis()));
        if (StepLifecycle.isForward(action)) {
            step.setSent(true);
        }
        StepLifecycle.move(step, StepLifecycle.sent(action));
        // COMPENSATE carries what DO produced, when it produced something; TCC's three phases all
        // carry the step's own input, as participants decode them into one type.
        Payload input = action == StepAction.COMPENSATE && step.getOutput() != null
                ? step.getOutput() : def.input().build(new SagaView(definition, state));
        out.command(def.commandTopic(), step, input);
        out.event(SagaEventKind.STEP_COMMANDED).step(step.getName()).reason(action + " attempt " + attempt)
                .command(action, attempt, step.getCommandId()).write();
    }

    // ---- small reads --------------------------------------------------------------------------

    private boolean deadlineArmed() {
        return state.getDeadlineMs() != null && SagaRules.handles(state.getStatus(), SagaTrigger.DEADLINE);
    }

    private String refusal() {
        if (state.getPivotPassed()) {
            return "the pivot step succeeded, so the saga only goes forward";
        }
        return "the saga is " + state.getStatus();
    }

    private long purgeAt() {
        return state.getFinishedAtMs().toEpochMilli() + policies.finishedRetention().toMillis();
    }

    private StepState step(int i) {
        return state.getSteps().get(i);
    }

    private StepDefinition stepDef(int i) {
        return definition.steps().get(i);
    }
}
