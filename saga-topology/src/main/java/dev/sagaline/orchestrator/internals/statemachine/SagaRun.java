package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepDefinition;
import dev.sagaline.orchestrator.internals.statemachine.OutcomeRules.Ending;
import dev.sagaline.orchestrator.internals.statemachine.StepLifecycle.Move;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.protocol.v1.StepResolution;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.protocol.v1.StepStatus;
import dev.sagaline.protocol.v1.TurnBackCause;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One input applied to one saga: it classifies the input as a {@link SagaTrigger}, looks up the
 * row of {@link SagaRules}, and carries out the row's verdict; what a step's answer means is
 * carried out by {@link StepAnswers} from {@link OutcomeRules}, and step statuses change only
 * through {@link StepLifecycle}. The rules live in those tables; this class holds none of its own
 * beyond walking the stages.
 *
 * <p>Everything here is a function of the state, the input and {@code now}: command ids and
 * retry jitter are derived ({@link CommandIds}), not drawn, so a replay after a crash decides the same.
 */
final class SagaRun {

    /** How the reason of every {@link #halt} begins. */
    static final String HALTED = "halted: ";

    private final SagaDefinition definition;
    private final SagaState state;
    private final StepPolicies policies;
    private final long now;
    private final String requestId;
    private final SagaOutput out;
    private final StepAnswers answers;
    private boolean forgotten;
    /** The output of the in-doubt step's reply that resolves it, if a reply does. */
    private Payload resolvedBy;

    /** @param definition the definition the saga runs; null only for a compacted finished saga whose version is gone */
    SagaRun(SagaDefinition definition, SagaState state, StepPolicies policies, String replyTopic, long now, String requestId) {
        this.definition = definition;
        this.state = state;
        this.policies = policies;
        this.now = now;
        this.requestId = requestId;
        this.out = new SagaOutput(state, replyTopic, now);
        this.answers = new StepAnswers(this, state, policies, out, now);
    }

    SagaDecision decision() {
        return new SagaDecision(forgotten ? null : state, out.commands(), out.events(), nextDue());
    }

    // ---- inputs: classify, look up the row, carry out its verdict -------------------------------

    void start() {
        follow(SagaTrigger.START, rule -> "started" + (requestId == null ? "" : " by request " + requestId), null);
        advance();
    }

    void duplicateStart() {
        follow(SagaTrigger.DUPLICATE_START, rule -> "a saga with this id exists already", null);
    }

    void abort(String reason, String operator) {
        String why = "operator abort" + by(operator) + (reason == null ? "" : ": " + reason);
        follow(SagaTrigger.ABORT, rule -> switch (rule.verdict()) {
            case RECORD -> why + " refused: " + refusal();
            case DEFER_TURN_BACK -> why + " waits: the pivot step's outcome is not known yet";
            default -> why;
        }, null);
        advance();
    }

    void operatorRetry(String reason, String operator) {
        String why = "operator retry" + by(operator) + (reason == null ? "" : ": " + reason);
        follow(SagaTrigger.OPERATOR_RETRY, rule -> rule.verdict() == SagaVerdict.RECORD
                ? "operator retry" + by(operator) + " refused: the saga is " + state.getStatus() + ", not STUCK" : why, null);
        advance();
    }

    /** An operator asserts the outcome of step {@code stepName}, which must be in doubt. */
    void resolve(String stepName, StepResolution outcome, String reason, String operator) {
        StepState step = state.getCompacted() ? null : step(definition.indexOf(stepName));
        String why = "operator resolve" + by(operator) + ": step " + stepName + " " + outcome + (reason == null ? "" : " (" + reason + ")");
        boolean known = outcome == StepResolution.SUCCEEDED || outcome == StepResolution.NOT_APPLIED;
        if (!known || step == null || !StepLifecycle.inDoubt(step)) {
            String refused = !known ? "the outcome must be SUCCEEDED or NOT_APPLIED"
                    : step == null ? "the finished saga's steps were purged" : "the step is " + step.getStatus() + ", not in doubt";
            follow(SagaTrigger.RESOLVE_NOT_IN_DOUBT, rule -> why + " refused: " + refused, null);
            return;
        }
        follow(outcome == StepResolution.SUCCEEDED ? SagaTrigger.RESOLVE_SUCCEEDED : SagaTrigger.RESOLVE_NOT_APPLIED, rule -> why, step);
        advance();
    }

    void reply(StepReply reply) {
        int i = state.getCompacted() ? -1 : definition.indexOf(reply.getStep());
        StepState step = i < 0 ? null : step(i);
        if (step == null || step.getCommandId() == null || !step.getCommandId().equals(reply.getCommandId())) {
            boolean duplicate = step != null && step.getCommandId() == null && reply.getAction() == step.getAction()
                    && reply.getAttempt() == step.getAttempt() && OutcomeRules.lastCommandAnswered(step);
            SagaRules.Rule rule = SagaRules.lookup(state, definition, duplicate ? SagaTrigger.DUPLICATE_REPLY : SagaTrigger.LATE_REPLY);
            out.event(rule.event()).step(reply.getStep())
                    .reason((duplicate ? "duplicate reply " : "reply to a command no longer outstanding ") + reply.getAction()
                            + " attempt " + reply.getAttempt() + " (" + reply.getOutcome() + ")")
                    .error(reply.getErrorCode(), reply.getErrorMessage())
                    .command(reply.getAction(), reply.getAttempt(), reply.getCommandId())
                    .write();
            return;
        }
        StepOutcome outcome = reply.getOutcome();
        if (outcome != StepOutcome.SUCCEEDED) {
            step.setLastErrorCode(reply.getErrorCode() == null ? outcome.name() : reply.getErrorCode());
            step.setLastErrorMessage(reply.getErrorMessage());
        }
        Ending ending = OutcomeRules.endingOf(outcome);
        String reason = StepLifecycle.isForward(step.getAction()) ? "step " + step.getName() + " replied " + outcome : "replied " + outcome;
        if (state.getStatus() == SagaStatus.STUCK && StepLifecycle.inDoubt(step)) {
            // the in-doubt step's own answer resolves it, as an operator would
            resolvedBy = reply.getOutput();
            follow(ending == Ending.SUCCEEDED ? SagaTrigger.RESOLVE_SUCCEEDED : SagaTrigger.RESOLVE_NOT_APPLIED,
                    rule -> "the in-doubt " + reason, step);
        } else if (state.getStatus() == SagaStatus.STUCK) {
            SagaRules.lookup(state, definition, SagaTrigger.REPLY_WHILE_STUCK);
            answers.recordWhileStuck(i, ending, reply.getOutput(), reason);
        } else {
            SagaRules.lookup(state, definition, SagaTrigger.REPLY);
            answers.settle(i, ending, reply.getOutput(), reason);
        }
        advance();
    }

    /** Stops a saga that cannot go on for a reason outside the rules (its next record too large, its input mapping throwing):
     *  STUCK where it stood, for an operator to retry once the cause is fixed; a saga already STUCK records the reason. */
    void halt(String reason) {
        follow(SagaTrigger.HALTED, rule -> HALTED + reason, null);
    }

    /** Notes that a record keyed by this saga went to the dead-letter topic for {@code reason}; nothing else changes. */
    void reject(String reason) {
        follow(SagaTrigger.INPUT_REJECTED, rule -> reason, null);
    }

    /** Fires whatever is due at {@code now}: the purge, the deadline, timeouts, retries and resends. */
    void timers() {
        SagaStatus status = state.getStatus();
        if (SagaRules.isTerminal(status)) {
            if (state.getFinishedAtMs() != null && DueTimes.finished(state, policies) <= now) {
                follow(state.getCompacted() ? SagaTrigger.FORGET : SagaTrigger.PURGE, rule -> "retention of finished sagas elapsed", null);
            }
            return;
        }
        if (DueTimes.deadlineArmed(state) && state.getDeadlineMs().toEpochMilli() <= now) {
            follow(SagaTrigger.DEADLINE, rule -> switch (rule.verdict()) {
                case DROP_DEADLINE -> "deadline " + state.getDeadlineMs() + " passed, refused: " + refusal();
                case DEFER_TURN_BACK -> "deadline " + state.getDeadlineMs() + " passed; it waits: the pivot step's outcome is not known yet";
                default -> "deadline " + state.getDeadlineMs() + " exceeded";
            }, null);
        }
        for (int i = 0; i < state.getSteps().size(); i++) {
            StepState step = step(i);
            if (step.getDueMs() == null || step.getDueMs().toEpochMilli() > now) {
                continue;
            }
            if (StepLifecycle.inDoubt(step)) {
                answers.resendInDoubt(i);
            } else if (step.getCommandId() != null) {
                answers.timedOut(i);
            } else {
                step.setDueMs(null);
                send(i, step.getAction(), step.getAttempt() + 1);
            }
        }
        advance();
    }

    /** The earliest time something is due for this saga, or null when nothing is. */
    Long nextDue() {
        return forgotten ? null : DueTimes.next(state, policies);
    }

    // ---- saga rows ----------------------------------------------------------------------------

    /**
     * Looks up the row for {@code trigger}, changes the status, writes the row's event (its reason
     * worded for the row, its step the culprit, if any) and carries out the row's verdict.
     */
    void follow(SagaTrigger trigger, Function<SagaRules.Rule, String> reason, StepState culprit) {
        SagaStatus from = state.getStatus();
        SagaRules.Rule rule = SagaRules.lookup(trigger == SagaTrigger.START ? null : state, definition, trigger);
        String why = reason.apply(rule);
        if (rule.to() != null) {
            state.setStatus(rule.to());
        }
        if (rule.event() != null) {
            SagaOutput.Event event = out.event(rule.event()).reason(why);
            if (culprit != null) {
                event.about(culprit).command(culprit.getAction(), culprit.getAttempt(), null);
            }
            if (rule.changesStatus()) {
                event.statuses(rule.from(), rule.to() == null ? from : rule.to());
            }
            event.write();
        }
        switch (rule.verdict()) {
            case BEGIN, RECORD, PROCEED, SETTLE, RECORD_OUTCOME -> { }
            case DROP_DEADLINE -> state.setDeadlineMs(null);
            case DEFER_TURN_BACK -> {
                state.setPendingTurnBackCause(trigger == SagaTrigger.DEADLINE ? TurnBackCause.DEADLINE : TurnBackCause.ABORT);
                state.setPendingTurnBackReason(why);
                if (trigger == SagaTrigger.DEADLINE) {
                    state.setDeadlineMs(null);
                }
            }
            case TURN_BACK_ABANDONING_IN_FLIGHT -> turnBack(why, true);
            case TURN_BACK_AWAITING_IN_FLIGHT -> turnBack(why, false);
            case STICK -> stick(from);
            case RESUME -> resume(rule.to());
            case RESOLVE_FORWARD -> {
                state.setStuckFrom(null);
                answers.leaveDoubt(culprit, true, resolvedBy, why);
            }
            case RESOLVE_BACK -> {
                state.setStuckFrom(null);
                answers.leaveDoubt(culprit, false, null, why);
                turnBack(why, false);
            }
            case FINISH -> {
                state.setFinishedAtMs(Instant.ofEpochMilli(now));
                noticeFinish();
            }
            case COMPACT -> compact();
            case FORGET -> forgotten = true;
            default -> throw new IllegalStateException("verdict " + rule.verdict() + " of " + rule + " is not carried out");
        }
    }

    private void turnBack(String reason, boolean abandonInFlight) {
        state.setFailureReason(reason);
        state.setPendingTurnBackCause(null);
        state.setPendingTurnBackReason(null);
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

    /**
     * Nothing more is sent until an operator acts: pending retries and resends are dropped. Commands
     * still outstanding stay so, and their replies are still recorded (or resolve an in-doubt step).
     */
    private void stick(SagaStatus from) {
        state.setStuckFrom(from);
        for (StepState step : state.getSteps()) {
            step.setDueMs(null);
        }
    }

    /** Resends what the saga was stuck on, with a fresh budget of attempts, and goes on as {@code resumed}. */
    private void resume(SagaStatus resumed) {
        state.setStuckFrom(null);
        StageWalk stages = stages();
        for (int i : stages.stuckScope(resumed)) {
            StepState step = step(i);
            StepAction action = stages.actionResuming(i, resumed);
            if (StepLifecycle.inDoubt(step)) {
                step.setInDoubtSinceMs(Instant.ofEpochMilli(now));
                answers.resend(i);
            } else if (step.getAction() == action) {
                step.setBudgetStart(step.getAttempt());
                send(i, action, step.getAttempt() + 1);
            } else {
                step.setBudgetStart(0);
                send(i, action, 1);
            }
        }
    }

    /** Keeps only what recognises a duplicate start: id, type, version, outcome and times. */
    private void compact() {
        state.setSteps(List.of());
        state.setInput(null);
        state.setMetadata(Map.of());
        state.setCompacted(true);
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
        step.setAction(action);
        step.setAttempt(attempt);
        step.setCommandId(CommandIds.of(state.getSagaId(), step.getName(), action, attempt));
        step.setDueMs(Instant.ofEpochMilli(now + policies.timeout(stepDef(i)).toMillis()));
        if (StepLifecycle.isForward(action)) {
            step.setSent(true);
        }
        StepLifecycle.move(step, StepLifecycle.sent(action));
        emitCommand(i);
        out.event(SagaEventKind.STEP_COMMANDED).step(step.getName()).reason(action + " attempt " + attempt)
                .command(action, attempt, step.getCommandId()).write();
    }

    /**
     * Tells the topic of every step sent a command that the saga finished, once per topic
     * ({@link SagaOutput#finishNotice}): until then its participant keeps what it remembers for
     * the saga, as a saga that has not finished may still send a compensation or a confirmation.
     */
    private void noticeFinish() {
        for (int i = 0; i < state.getSteps().size(); i++) {
            StepState step = step(i);
            if (step.getSent()) {
                out.finishNotice(stepDef(i).commandTopic(), step.getName(),
                        CommandIds.of(state.getSagaId(), step.getName(), StepAction.FORGET, 1));
            }
        }
    }

    /** Emits step {@code i}'s current command (action, attempt and id as the step holds them). */
    void emitCommand(int i) {
        StepState step = step(i);
        StepDefinition def = stepDef(i);
        // COMPENSATE carries what DO produced, when it produced something; TCC's three phases all
        // carry the step's own input, as participants decode them into one type.
        Payload input = step.getAction() == StepAction.COMPENSATE && step.getOutput() != null ? step.getOutput() : new SagaView(definition, state).inputOf(def);
        out.command(def.commandTopic(), step, input);
    }

    // ---- small reads --------------------------------------------------------------------------

    private String refusal() {
        return state.getPivotPassed() ? "the pivot step succeeded, so the saga only goes forward" : "the saga is " + state.getStatus();
    }

    private static String by(String operator) {
        return operator == null ? "" : " by " + operator;
    }

    StepState step(int i) {
        return state.getSteps().get(i);
    }

    StepDefinition stepDef(int i) {
        return definition.steps().get(i);
    }
}
