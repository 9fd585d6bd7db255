package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.RetryPolicy;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepDefinition;
import dev.sagaline.orchestrator.definition.StepInput;
import dev.sagaline.orchestrator.definition.StepKind;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.protocol.v1.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One saga instance handling one input: the orchestrator's rules in one place. It reads and
 * changes the saga's {@link SagaState}, asks {@link SagaTransitions} for every status change, and
 * collects the commands and audit events to emit.
 *
 * <p>The rules, in short. Going forward, the steps of the current stage are commanded at once and
 * the saga moves on when all have succeeded. A business refusal, or a step that runs out of
 * attempts or time, turns the saga back: every step whose forward command was sent is compensated
 * (or cancelled), stage by stage in reverse, a stage's members together, once none of them still
 * awaits a forward reply. After the pivot the saga only goes forward. A successful saga confirms
 * its TCC steps before it completes. Undo and confirm commands are retried until they succeed;
 * when their attempts run out the saga is STUCK until an operator retries it. Only the reply to a
 * step's outstanding command counts; any other reply is recorded and ignored.
 *
 * <p>Everything here is a function of the state, the input and {@code now}: command ids and
 * retry jitter are derived, not drawn, so a replay after a crash decides the same.
 */
final class SagaRun {

    /** The error code of a command that got no reply in time. */
    private static final String TIMEOUT = "TIMEOUT";
    /** How the reason of every {@link #halt} begins. */
    static final String HALTED = "halted: ";

    private final SagaDefinition definition;
    private final SagaState state;
    private final StepPolicies policies;
    private final long now;
    private final String requestId;
    private final String replyTopic;
    private final List<SagaDecision.OutgoingCommand> commands = new ArrayList<>();
    private final List<SagaEvent> events = new ArrayList<>();
    private boolean purged;

    SagaRun(SagaDefinition definition, SagaState state, StepPolicies policies, String replyTopic, long now, String requestId) {
        this.definition = definition;
        this.replyTopic = replyTopic;
        this.state = state;
        this.policies = policies;
        this.now = now;
        this.requestId = requestId;
    }

    SagaDecision decision() {
        return new SagaDecision(purged ? null : state, List.copyOf(commands), List.copyOf(events), nextDue());
    }

    // ---- inputs -------------------------------------------------------------------------------

    void start() {
        transition(SagaTrigger.START, "started" + (requestId == null ? "" : " by request " + requestId), null);
        advance();
    }

    void duplicateStart() {
        record(SagaEventKind.DUPLICATE_START_IGNORED, null, "a saga with this id exists already", null, null);
    }

    void abort(String reason) {
        String why = "operator abort" + (reason == null ? "" : ": " + reason);
        if (state.getStatus() == SagaStatus.RUNNING && !state.getPivotPassed()) {
            turnBack(SagaTrigger.ABORT, why, true);
            advance();
        } else {
            record(SagaEventKind.ABORT_REFUSED, null, why + " refused: " + refusal(), null, null);
        }
    }

    void operatorRetry(String reason) {
        if (state.getStatus() != SagaStatus.STUCK) {
            record(SagaEventKind.REQUEST_REFUSED, null, "operator retry refused: the saga is " + state.getStatus() + ", not STUCK", null, null);
            return;
        }
        String why = "operator retry" + (reason == null ? "" : ": " + reason);
        SagaStatus resume = state.getStuckFrom();
        SagaTrigger trigger = switch (resume) {
            case RUNNING -> SagaTrigger.OPERATOR_RETRY_FORWARD;
            case CONFIRMING -> SagaTrigger.OPERATOR_RETRY_CONFIRM;
            default -> SagaTrigger.OPERATOR_RETRY_UNDO;
        };
        transition(trigger, why, null);
        state.setStuckFrom(null);
        for (int i : stuckScope(resume)) {
            StepState step = step(i);
            StepAction action = switch (resume) {
                case RUNNING -> stepDef(i).kind().forwardAction();
                case CONFIRMING -> StepAction.CONFIRM;
                default -> stepDef(i).kind().undoAction();
            };
            if (step.getAction() == action) {
                step.setBudgetStart(step.getAttempt());
                send(i, action, step.getAttempt() + 1);
            } else {
                step.setBudgetStart(0);
                send(i, action, 1);
            }
        }
        advance();
    }

    void reply(StepReply reply) {
        int i = definition.indexOf(reply.getStep());
        StepState step = step(i);
        if (step.getCommandId() == null || !step.getCommandId().equals(reply.getCommandId())) {
            boolean duplicate = step.getCommandId() == null && reply.getAction() == step.getAction()
                    && reply.getAttempt() == step.getAttempt() && lastCommandAnswered(step);
            record(duplicate ? SagaEventKind.DUPLICATE_REPLY_IGNORED : SagaEventKind.LATE_REPLY_IGNORED, reply.getStep(),
                    (duplicate ? "duplicate reply " : "reply to a command no longer outstanding ") + reply.getAction()
                            + " attempt " + reply.getAttempt() + " (" + reply.getOutcome() + ")",
                    reply.getErrorCode(), reply.getErrorMessage(), reply.getAction(), reply.getAttempt(), reply.getCommandId());
            return;
        }
        step.setCommandId(null);
        step.setDueMs(null);
        StepOutcome outcome = reply.getOutcome();
        if (outcome != StepOutcome.SUCCEEDED) {
            step.setLastErrorCode(reply.getErrorCode() == null ? outcome.name() : reply.getErrorCode());
            step.setLastErrorMessage(reply.getErrorMessage());
        }
        switch (step.getAction()) {
            case DO, TRY -> forwardSettled(i, outcome, reply.getOutput(), "step " + step.getName() + " replied " + outcome);
            case COMPENSATE, CANCEL, CONFIRM -> undoOrConfirmSettled(i, outcome == StepOutcome.SUCCEEDED, "replied " + outcome);
            default -> throw new IllegalStateException("step " + step.getName() + " has outstanding action " + step.getAction());
        }
        advance();
    }

    /**
     * Stops a saga that cannot go on for a reason outside the rules (its next record would be too
     * large, its input mapping throws): STUCK where it stood, for an operator to retry once the
     * cause is fixed. A saga already STUCK records the reason and stays.
     */
    void halt(String reason) {
        if (state.getStatus() == SagaStatus.STUCK) {
            record(SagaEventKind.STUCK, null, HALTED + reason, null, null);
        } else {
            becomeStuck(SagaTrigger.HALTED, HALTED + reason, null);
        }
    }

    /** Fires whatever is due at {@code now}: timeouts, retries, the deadline, the purge. */
    void timers() {
        SagaStatus status = state.getStatus();
        if (SagaTransitions.isTerminal(status)) {
            if (state.getFinishedAtMs() != null && purgeAt() <= now) {
                transition(SagaTrigger.PURGE, "retention of finished sagas elapsed", null);
                purged = true;
            }
            return;
        }
        if (status == SagaStatus.STUCK) {
            return;
        }
        if (state.getDeadlineMs() != null && state.getDeadlineMs().toEpochMilli() <= now
                && (status == SagaStatus.RUNNING || status == SagaStatus.CONFIRMING)) {
            if (status == SagaStatus.RUNNING && !state.getPivotPassed()) {
                turnBack(SagaTrigger.DEADLINE, "deadline " + state.getDeadlineMs() + " exceeded", true);
            } else {
                record(SagaEventKind.DEADLINE_REFUSED, null, "deadline " + state.getDeadlineMs() + " passed, refused: " + refusal(), null, null);
                state.setDeadlineMs(null);
            }
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
        if (SagaTransitions.isTerminal(status)) {
            return state.getFinishedAtMs() == null ? null : purgeAt();
        }
        long next = Long.MAX_VALUE;
        if (state.getDeadlineMs() != null && (status == SagaStatus.RUNNING || status == SagaStatus.CONFIRMING)) {
            next = state.getDeadlineMs().toEpochMilli();
        }
        for (StepState step : state.getSteps()) {
            if (step.getDueMs() != null) {
                next = Math.min(next, step.getDueMs().toEpochMilli());
            }
        }
        return next == Long.MAX_VALUE ? null : next;
    }

    // ---- step outcomes ------------------------------------------------------------------------

    private void forwardSettled(int i, StepOutcome outcome, Payload output, String reason) {
        StepState step = step(i);
        StepDefinition def = stepDef(i);
        if (outcome == StepOutcome.SUCCEEDED) {
            step.setStatus(StepStatus.SUCCEEDED);
            step.setOutput(output);
            record(SagaEventKind.STEP_SUCCEEDED, step.getName(), reason, null, null);
            if (def.kind() == StepKind.PIVOT) {
                state.setPivotPassed(true);
            }
            return;
        }
        // once the saga has turned back nothing is retried forward, so any unsuccessful reply fails the step
        boolean refused = outcome == StepOutcome.FAILED && def.kind() != StepKind.RETRIABLE
                || state.getStatus() != SagaStatus.RUNNING;
        if (refused) {
            step.setStatus(StepStatus.FAILED);
            record(SagaEventKind.STEP_FAILED, step.getName(), reason, step.getLastErrorCode(), step.getLastErrorMessage());
            if (state.getStatus() == SagaStatus.RUNNING) {
                turnBack(SagaTrigger.STEP_FAILED, "step " + step.getName() + " failed: " + step.getLastErrorCode(), false);
            }
            return;
        }
        retryForwardOrGiveUp(i, StepStatus.FAILED, reason);
    }

    private void timedOut(int i) {
        StepState step = step(i);
        String commandId = step.getCommandId();
        step.setCommandId(null);
        step.setDueMs(null);
        step.setLastErrorCode(TIMEOUT);
        step.setLastErrorMessage("no reply to " + step.getAction() + " attempt " + step.getAttempt() + " within " + policies.timeout(stepDef(i)));
        String reason = step.getAction() + " attempt " + step.getAttempt() + " timed out";
        record(SagaEventKind.STEP_TIMED_OUT, step.getName(), reason, TIMEOUT, step.getLastErrorMessage(),
                step.getAction(), step.getAttempt(), commandId);
        switch (step.getAction()) {
            case DO, TRY -> retryForwardOrGiveUp(i, StepStatus.UNCERTAIN, reason);
            default -> undoOrConfirmSettled(i, false, reason);
        }
    }

    private void retryForwardOrGiveUp(int i, StepStatus exhaustedStatus, String reason) {
        StepState step = step(i);
        StepDefinition def = stepDef(i);
        RetryPolicy policy = policies.forward(def);
        int made = step.getAttempt() - step.getBudgetStart();
        if (state.getStatus() == SagaStatus.RUNNING && policy.allowsAnotherAfter(made)) {
            scheduleRetry(i, policy, made, reason);
            return;
        }
        step.setStatus(exhaustedStatus);
        if (state.getStatus() != SagaStatus.RUNNING) {
            return;
        }
        if (def.kind() == StepKind.RETRIABLE) {
            becomeStuck(SagaTrigger.RETRIABLE_EXHAUSTED, "retriable step " + step.getName() + " gave up after " + made
                    + " attempts: " + step.getLastErrorCode(), step);
        } else {
            record(SagaEventKind.STEP_FAILED, step.getName(), reason + "; no attempts left after " + made,
                    step.getLastErrorCode(), step.getLastErrorMessage());
            turnBack(SagaTrigger.STEP_FAILED, "step " + step.getName() + " failed after " + made + " attempts: " + step.getLastErrorCode(), false);
        }
    }

    private void undoOrConfirmSettled(int i, boolean succeeded, String reason) {
        StepState step = step(i);
        StepDefinition def = stepDef(i);
        boolean confirm = step.getAction() == StepAction.CONFIRM;
        if (succeeded) {
            step.setStatus(confirm ? StepStatus.CONFIRMED : StepStatus.UNDONE);
            record(confirm ? SagaEventKind.STEP_CONFIRMED : SagaEventKind.STEP_UNDONE, step.getName(), step.getAction() + " " + reason, null, null);
            return;
        }
        RetryPolicy policy = policies.undo(def);
        int made = step.getAttempt() - step.getBudgetStart();
        if (policy.allowsAnotherAfter(made)) {
            scheduleRetry(i, policy, made, step.getAction() + " " + reason);
            return;
        }
        becomeStuck(confirm ? SagaTrigger.CONFIRM_EXHAUSTED : SagaTrigger.UNDO_EXHAUSTED,
                step.getAction() + " of step " + step.getName() + " gave up after " + made + " attempts: " + step.getLastErrorCode(), step);
    }

    private void scheduleRetry(int i, RetryPolicy policy, int made, String reason) {
        StepState step = step(i);
        String nextCommandId = commandId(step.getName(), step.getAction(), step.getAttempt() + 1);
        long wait = policy.backoffAfter(made, spread(nextCommandId)).toMillis();
        step.setDueMs(Instant.ofEpochMilli(now + wait));
        record(SagaEventKind.STEP_RETRY_SCHEDULED, step.getName(), reason + "; attempt " + (step.getAttempt() + 1) + " in " + wait + " ms",
                step.getLastErrorCode(), step.getLastErrorMessage());
    }

    // ---- status changes -----------------------------------------------------------------------

    /**
     * Turns the saga back to compensation. With {@code abandonInFlight} (deadline, abort) forward
     * commands still outstanding are no longer awaited: their outcome is unknown and they are
     * compensated at once. After a step failure they are awaited, so their members of a parallel
     * group are compensated together once all have settled.
     */
    private void turnBack(SagaTrigger trigger, String reason, boolean abandonInFlight) {
        state.setFailureReason(reason);
        transition(trigger, reason, null);
        for (int i = 0; i < state.getSteps().size(); i++) {
            StepState step = step(i);
            boolean forward = step.getAction() == StepAction.DO || step.getAction() == StepAction.TRY;
            if (!forward || step.getStatus() != StepStatus.IN_FLIGHT) {
                continue;
            }
            if (step.getCommandId() == null) {
                step.setStatus(StepStatus.FAILED);
                step.setDueMs(null);
            } else if (abandonInFlight) {
                step.setStatus(StepStatus.UNCERTAIN);
                step.setCommandId(null);
                step.setDueMs(null);
            }
        }
    }

    private void becomeStuck(SagaTrigger trigger, String reason, StepState culprit) {
        SagaStatus from = state.getStatus();
        transition(trigger, reason, culprit);
        state.setStuckFrom(from);
        for (StepState step : state.getSteps()) {
            step.setCommandId(null);
            step.setDueMs(null);
        }
    }

    private void finishForward() {
        if (definition.hasTccSteps()) {
            transition(SagaTrigger.FORWARD_DONE_NEEDS_CONFIRM, "every step succeeded; confirming TCC steps", null);
        } else {
            transition(SagaTrigger.FORWARD_DONE, "every step succeeded", null);
            state.setFinishedAtMs(Instant.ofEpochMilli(now));
        }
    }

    /** Sends whatever the saga's status and current stage call for, until it must wait. */
    private void advance() {
        while (true) {
            switch (state.getStatus()) {
                case RUNNING -> {
                    if (!advanceForward()) {
                        return;
                    }
                }
                case COMPENSATING -> {
                    if (!advanceUndo()) {
                        return;
                    }
                }
                case CONFIRMING -> {
                    advanceConfirm();
                    return;
                }
                default -> {
                    return;
                }
            }
        }
    }

    /** Returns true when the saga moved to another stage or status and should look again. */
    private boolean advanceForward() {
        int cursor = state.getCursor();
        if (cursor >= definition.stages().size()) {
            finishForward();
            return true;
        }
        boolean allSucceeded = true;
        for (int i : stageSteps(cursor)) {
            StepState step = step(i);
            if (step.getStatus() == StepStatus.PENDING) {
                step.setBudgetStart(0);
                send(i, stepDef(i).kind().forwardAction(), 1);
            }
            allSucceeded &= step.getStatus() == StepStatus.SUCCEEDED;
        }
        if (!allSucceeded) {
            return false;
        }
        state.setCursor(cursor + 1);
        return true;
    }

    private boolean advanceUndo() {
        int cursor = Math.min(state.getCursor(), definition.stages().size() - 1);
        state.setCursor(cursor);
        if (cursor < 0) {
            transition(SagaTrigger.ALL_UNDONE, "every sent step is compensated", null);
            state.setFinishedAtMs(Instant.ofEpochMilli(now));
            return true;
        }
        List<Integer> members = stageSteps(cursor);
        for (int i : members) {
            StepState step = step(i);
            boolean forwardOutstanding = (step.getAction() == StepAction.DO || step.getAction() == StepAction.TRY) && step.getCommandId() != null;
            if (forwardOutstanding) {
                return false;
            }
        }
        boolean allUndone = true;
        for (int i : members) {
            StepState step = step(i);
            if (!step.getSent() || !stepDef(i).kind().isUndoable()) {
                continue;
            }
            StepStatus status = step.getStatus();
            if (status == StepStatus.SUCCEEDED || status == StepStatus.FAILED || status == StepStatus.UNCERTAIN || status == StepStatus.IN_FLIGHT) {
                step.setBudgetStart(0);
                send(i, stepDef(i).kind().undoAction(), 1);
            }
            allUndone &= step.getStatus() == StepStatus.UNDONE;
        }
        if (!allUndone) {
            return false;
        }
        state.setCursor(cursor - 1);
        return true;
    }

    private void advanceConfirm() {
        boolean allConfirmed = true;
        for (int i = 0; i < state.getSteps().size(); i++) {
            if (stepDef(i).kind() != StepKind.TCC) {
                continue;
            }
            StepState step = step(i);
            if (step.getStatus() == StepStatus.SUCCEEDED) {
                step.setBudgetStart(0);
                send(i, StepAction.CONFIRM, 1);
            }
            allConfirmed &= step.getStatus() == StepStatus.CONFIRMED;
        }
        if (allConfirmed) {
            transition(SagaTrigger.ALL_CONFIRMED, "every TCC step confirmed", null);
            state.setFinishedAtMs(Instant.ofEpochMilli(now));
        }
    }

    /** The steps an operator retry resends: those the saga was stuck on. */
    private List<Integer> stuckScope(SagaStatus resume) {
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

    // ---- emitting -----------------------------------------------------------------------------

    private void send(int i, StepAction action, int attempt) {
        StepState step = step(i);
        StepDefinition def = stepDef(i);
        String commandId = commandId(step.getName(), action, attempt);
        step.setAction(action);
        step.setAttempt(attempt);
        step.setCommandId(commandId);
        step.setDueMs(Instant.ofEpochMilli(now + policies.timeout(def).toMillis()));
        boolean forward = action == StepAction.DO || action == StepAction.TRY;
        if (forward) {
            step.setSent(true);
            step.setStatus(StepStatus.IN_FLIGHT);
        } else {
            step.setStatus(action == StepAction.CONFIRM ? StepStatus.CONFIRMING : StepStatus.UNDOING);
        }
        // COMPENSATE carries what DO produced, when it produced something; TCC's three phases all
        // carry the step's own input, as participants decode them into one type.
        Payload input = action == StepAction.COMPENSATE && step.getOutput() != null ? step.getOutput() : buildInput(def);
        StepCommand command = StepCommand.newBuilder()
                .setCommandId(commandId)
                .setSagaId(state.getSagaId())
                .setSagaType(state.getSagaType())
                .setDefinitionVersion(state.getDefinitionVersion())
                .setStep(step.getName())
                .setAction(action)
                .setAttempt(attempt)
                .setInput(input)
                .setReplyTopic(replyTopic)
                .setIssuedAtMs(Instant.ofEpochMilli(now))
                .setMetadata(state.getMetadata())
                .build();
        commands.add(new SagaDecision.OutgoingCommand(def.commandTopic(), command));
        record(SagaEventKind.STEP_COMMANDED, step.getName(), action + " attempt " + attempt, null, null, action, attempt, commandId);
    }

    private Payload buildInput(StepDefinition def) {
        try {
            return def.input().build(view());
        } catch (RuntimeException e) {
            throw new StepInputException(state.getSagaId(), def.name(), e);
        }
    }

    private void transition(SagaTrigger trigger, String reason, StepState culprit) {
        SagaStatus from = state.getStatus();
        SagaTransitions.Transition row = SagaTransitions.require(trigger == SagaTrigger.START ? null : from, trigger);
        if (row.to() != null) {
            state.setStatus(row.to());
        }
        SagaEvent event = event(row.event(), culprit == null ? null : culprit.getName(), reason,
                culprit == null ? null : culprit.getLastErrorCode(), culprit == null ? null : culprit.getLastErrorMessage(),
                culprit == null ? null : culprit.getAction(), culprit == null ? null : culprit.getAttempt(), null);
        event.setFromStatus(trigger == SagaTrigger.START ? null : from);
        event.setToStatus(row.to() == null ? from : row.to());
        events.add(event);
    }

    private void record(SagaEventKind kind, String step, String reason, String errorCode, String errorMessage) {
        record(kind, step, reason, errorCode, errorMessage, null, null, null);
    }

    private void record(SagaEventKind kind, String step, String reason, String errorCode, String errorMessage,
                        StepAction action, Integer attempt, String commandId) {
        events.add(event(kind, step, reason, errorCode, errorMessage, action, attempt, commandId));
    }

    private SagaEvent event(SagaEventKind kind, String step, String reason, String errorCode, String errorMessage,
                            StepAction action, Integer attempt, String commandId) {
        state.setEventSequence(state.getEventSequence() + 1);
        return SagaEvent.newBuilder()
                .setSagaId(state.getSagaId())
                .setSagaType(state.getSagaType())
                .setDefinitionVersion(state.getDefinitionVersion())
                .setSequence(state.getEventSequence())
                .setKind(kind)
                .setFromStatus(state.getStatus())
                .setToStatus(state.getStatus())
                .setStep(step)
                .setAction(action)
                .setAttempt(attempt)
                .setCommandId(commandId)
                .setReason(reason)
                .setErrorCode(errorCode)
                .setErrorMessage(errorMessage)
                .setTimestampMs(Instant.ofEpochMilli(now))
                .build();
    }

    // ---- small reads --------------------------------------------------------------------------

    private String refusal() {
        if (state.getPivotPassed()) {
            return "the pivot step succeeded, so the saga only goes forward";
        }
        return "the saga is " + state.getStatus();
    }

    private long purgeAt() {
        return state.getFinishedAtMs().toEpochMilli() + policies.finishedRetention().toMillis();
    }

    private List<Integer> stageSteps(int stage) {
        List<Integer> indexes = new ArrayList<>();
        for (StepDefinition s : definition.stages().get(stage).steps()) {
            indexes.add(definition.indexOf(s.name()));
        }
        return indexes;
    }

    /**
     * True when the step's last command, no longer outstanding, was settled by a reply, so another
     * reply to it is a duplicate; false when it timed out or was abandoned (its outcome is
     * unknown), so a reply to it is late.
     */
    private static boolean lastCommandAnswered(StepState step) {
        return switch (step.getStatus()) {
            case SUCCEEDED, UNDONE, CONFIRMED -> true;
            case UNCERTAIN -> false;
            default -> !TIMEOUT.equals(step.getLastErrorCode());
        };
    }

    private StepState step(int i) {
        return state.getSteps().get(i);
    }

    private StepDefinition stepDef(int i) {
        return definition.steps().get(i);
    }

    private String commandId(String step, StepAction action, int attempt) {
        return state.getSagaId() + '/' + step + '/' + action + '/' + attempt;
    }

    /** A value in [0, 1) fixed by the command id, spreading retries without randomness. */
    private static double spread(String commandId) {
        int h = commandId.hashCode() * 0x9E3779B1;
        return (h >>> 8) / (double) (1 << 24);
    }

    private StepInput.Saga view() {
        return new StepInput.Saga() {
            @Override
            public String sagaId() {
                return state.getSagaId();
            }

            @Override
            public Optional<Payload> input() {
                return Optional.ofNullable(state.getInput());
            }

            @Override
            public Optional<Payload> output(String stepName) {
                int i = definition.indexOf(stepName);
                return i < 0 ? Optional.empty() : Optional.ofNullable(step(i).getOutput());
            }

            @Override
            public Map<String, String> metadata() {
                return state.getMetadata();
            }
        };
    }

}
