package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.errors.InvalidSagaInputException;
import dev.sagaline.protocol.v1.AbortSaga;
import dev.sagaline.protocol.v1.ResolveStep;
import dev.sagaline.protocol.v1.RetrySaga;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.protocol.v1.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The entry point of the orchestrator's decisions, free of Kafka: it checks one input (a request,
 * a reply, or the clock) against the saga's stored state, creates a new saga's state, and has a
 * {@link SagaRun} apply the rules tables to it, returning the new state and what to emit. Inputs
 * it cannot act on are rejected with {@link InvalidSagaInputException} before anything changes,
 * so the processor can dead-letter them.
 */
public final class SagaDecider {

    private final SagaDefinitions definitions;
    private final StepPolicies policies;
    private final String replyTopic;

    public SagaDecider(SagaDefinitions definitions, StepPolicies policies, String replyTopic) {
        this.definitions = Objects.requireNonNull(definitions, "definitions");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.replyTopic = Objects.requireNonNull(replyTopic, "replyTopic");
    }

    /** The definitions this machine runs. */
    public SagaDefinitions definitions() {
        return definitions;
    }

    /**
     * Handles a start, abort or retry request.
     *
     * @param key the record key, which must be the request's saga id
     * @param existing the saga's stored state, or null
     */
    public SagaDecision onRequest(String key, SagaRequest request, SagaState existing, long now) {
        if (request.getSagaId() == null || request.getSagaId().isEmpty()) {
            throw new InvalidSagaInputException("request has no saga id");
        }
        if (!request.getSagaId().equals(key)) {
            throw new InvalidSagaInputException("request key '" + key + "' differs from its saga id '" + request.getSagaId()
                    + "'; key requests by saga id so that one saga's records stay in order");
        }
        Object body = request.getBody();
        if (body instanceof StartSaga start) {
            if (existing != null) {
                SagaRun run = run(existing, now, request.getRequestId());
                run.duplicateStart();
                return run.decision();
            }
            SagaRun run = run(newState(request, start, now), now, request.getRequestId());
            run.start();
            return run.decision();
        }
        if (existing == null) {
            throw new InvalidSagaInputException("request " + body.getClass().getSimpleName() + " for unknown saga '" + key + "'");
        }
        SagaRun run = run(existing, now, request.getRequestId());
        if (body instanceof AbortSaga abort) {
            run.abort(abort.getReason(), abort.getOperator());
        } else if (body instanceof RetrySaga retry) {
            run.operatorRetry(retry.getReason(), retry.getOperator());
        } else if (body instanceof ResolveStep resolve) {
            if (!existing.getCompacted() && definitionOf(existing).indexOf(resolve.getStep()) < 0) {
                throw new InvalidSagaInputException("resolve request for saga '" + key + "' names step '" + resolve.getStep()
                        + "', which " + definitionOf(existing) + " does not have");
            }
            run.resolve(resolve.getStep(), resolve.getOutcome(), resolve.getReason(), resolve.getOperator());
        } else {
            throw new InvalidSagaInputException("request for saga '" + key + "' has an unknown body " + body);
        }
        return run.decision();
    }

    /**
     * Handles a participant's reply.
     *
     * @param existing the saga's stored state, or null
     */
    public SagaDecision onReply(String key, StepReply reply, SagaState existing, long now) {
        if (!Objects.equals(reply.getSagaId(), key)) {
            throw new InvalidSagaInputException("reply key '" + key + "' differs from its saga id '" + reply.getSagaId() + "'");
        }
        if (existing == null) {
            throw new InvalidSagaInputException("reply from step '" + reply.getStep() + "' for unknown saga '" + key + "'");
        }
        SagaDefinition definition = existing.getCompacted() ? null : definitionOf(existing);
        if (definition != null && definition.indexOf(reply.getStep()) < 0) {
            throw new InvalidSagaInputException("reply for saga '" + key + "' names step '" + reply.getStep()
                    + "', which " + definition + " does not have");
        }
        if (definition != null) {
            StepState step = existing.getSteps().get(definition.indexOf(reply.getStep()));
            if (reply.getAttempt() < 1 || reply.getAction() == step.getAction() && reply.getAttempt() > step.getAttempt()) {
                throw new InvalidSagaInputException("reply for saga '" + key + "' answers " + reply.getAction() + " attempt " + reply.getAttempt()
                        + " of step '" + reply.getStep() + "', which was never sent (the step's last " + step.getAction() + " is attempt "
                        + step.getAttempt() + ")");
            }
        }
        SagaRun run = run(existing, now, null);
        run.reply(reply);
        return run.decision();
    }

    /** Fires the saga's due timers at {@code now}. */
    public SagaDecision onTimer(SagaState state, long now) {
        SagaRun run = run(state, now, null);
        run.timers();
        return run.decision();
    }

    /**
     * Stops a stored saga that cannot go on, for a reason found outside the rules (see
     * {@link SagaRun#halt}); the saga must not be COMPLETED or COMPENSATED.
     */
    public SagaDecision onHalt(SagaState stored, String reason, long now) {
        SagaRun run = run(stored, now, null);
        run.halt(reason);
        return run.decision();
    }

    /**
     * Notes on a stored saga that a record keyed by it could not be acted on and goes to the
     * dead-letter topic for {@code reason}.
     */
    public SagaDecision onRejected(SagaState stored, String reason, long now) {
        SagaRun run = run(stored, now, null);
        run.reject(reason);
        return run.decision();
    }

    /**
     * When a stored saga without a registered timer is next due, or null when nothing is. A saga
     * written before due times were stored (release 0.1.0) has none: each of its outstanding
     * commands gets its step's timeout from {@code now}, as if sent now, so a command whose reply
     * never comes still times out after the upgrade.
     */
    public Long dueTimeOf(SagaState stored, long now) {
        if (!stored.getCompacted() && !SagaRules.isTerminal(stored.getStatus())) {
            SagaDefinition definition = definitionOf(stored);
            for (int i = 0; i < stored.getSteps().size(); i++) {
                StepState step = stored.getSteps().get(i);
                if (step.getCommandId() != null && step.getDueMs() == null) {
                    step.setDueMs(Instant.ofEpochMilli(now + policies.timeout(definition.steps().get(i)).toMillis()));
                }
            }
        }
        return DueTimes.next(stored, policies);
    }

    /** The earliest time something is due for a stored saga, or null when nothing is. */
    public Long nextDue(SagaState stored) {
        return DueTimes.next(stored, policies);
    }

    /** The definition a stored saga runs. */
    public SagaDefinition definitionOf(SagaState state) {
        return definitions.find(state.getSagaType(), state.getDefinitionVersion()).orElseThrow(() -> new IllegalStateException(
                "saga '" + state.getSagaId() + "' runs " + state.getSagaType() + " v" + state.getDefinitionVersion()
                        + ", which is no longer loaded; loaded: " + definitions));
    }

    private SagaRun run(SagaState state, long now, String requestId) {
        // a compacted finished saga needs no definition: nothing it can still do walks the steps
        SagaDefinition definition = state.getCompacted()
                ? definitions.find(state.getSagaType(), state.getDefinitionVersion()).orElse(null) : definitionOf(state);
        return new SagaRun(definition, state, policies, replyTopic, now, requestId);
    }

    private SagaState newState(SagaRequest request, StartSaga start, long now) {
        SagaDefinition definition = definitions.find(start.getSagaType(), start.getDefinitionVersion()).orElseThrow(() ->
                new InvalidSagaInputException(start.getDefinitionVersion() == null
                        ? "unknown saga type '" + start.getSagaType() + "'; loaded: " + definitions
                        : "saga type '" + start.getSagaType() + "' has no version " + start.getDefinitionVersion() + "; loaded: " + definitions));
        List<StepState> steps = new ArrayList<>(definition.steps().size());
        definition.steps().forEach(step -> steps.add(StepState.newBuilder()
                .setName(step.name())
                .setStatus(StepStatus.PENDING)
                .build()));
        Long deadline = definition.deadline().map(d -> now + d.toMillis()).orElse(null);
        if (start.getDeadlineMs() != null) {
            long requested = start.getDeadlineMs().toEpochMilli();
            if (requested < 0) {
                throw new InvalidSagaInputException("start request for saga '" + request.getSagaId() + "' has deadlineMs " + requested
                        + ", before 1970; give an absolute epoch-millis deadline, or none to use the definition's");
            }
            deadline = deadline == null ? requested : Math.min(deadline, requested);
        }
        return SagaState.newBuilder()
                .setSagaId(request.getSagaId())
                .setSagaType(definition.name())
                .setDefinitionVersion(definition.version())
                .setStatus(dev.sagaline.protocol.v1.SagaStatus.UNKNOWN)
                .setSteps(steps)
                .setInput(start.getInput())
                .setMetadata(request.getMetadata())
                .setStartedAtMs(Instant.ofEpochMilli(now))
                .setDeadlineMs(deadline == null ? null : Instant.ofEpochMilli(deadline))
                .build();
    }
}
