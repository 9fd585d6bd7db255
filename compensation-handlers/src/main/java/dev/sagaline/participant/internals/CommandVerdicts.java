package dev.sagaline.participant.internals;

import dev.sagaline.participant.BusinessFailureException;
import dev.sagaline.participant.DispatchResult;
import dev.sagaline.participant.ParticipantErrorCodes;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.ProcessedCommandStore;
import dev.sagaline.participant.RegisteredHandler;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.StepStage;
import dev.sagaline.participant.TransientFailureException;
import dev.sagaline.participant.internals.StepRules.Kind;
import dev.sagaline.participant.internals.StepRules.Phase;
import dev.sagaline.participant.internals.StepRules.Verdict;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReplies;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one command: checks it can be routed, answers a known command id from the store, and
 * otherwise carries out the {@link StepRules} verdict for the step, calling the handler when the
 * rules say so. Every reply it returns has been written to the store first, so the Kafka runtime
 * commits the reply, the store writes and the consumed offset together: under the command's id,
 * unless the step keeps it for good at its stage ({@link StepRules#keeps}), where a redelivery of
 * the command finds it.
 */
public final class CommandVerdicts {

    private static final Logger log = LoggerFactory.getLogger(CommandVerdicts.class);

    private final ParticipantHandlers handlers;
    private final Payloads payloads;
    private final ProcessedCommandStore store;
    private final ReplySizeLimit sizeLimit;

    /** @param sizeLimit the largest reply the caller can send; a handler's larger reply is replaced by a FAILED one */
    public CommandVerdicts(ParticipantHandlers handlers, Payloads payloads, ProcessedCommandStore store, ReplySizeLimit sizeLimit) {
        this.handlers = handlers;
        this.payloads = payloads;
        this.store = store;
        this.sizeLimit = sizeLimit;
    }

    public ProcessedCommandStore store() {
        return store;
    }

    /**
     * @param nowMs the time written into new replies and the store (the stream task's wall clock
     *     in the Kafka runtime)
     */
    public DispatchResult dispatch(StepCommand command, long nowMs) {
        StepAction action = command.getAction();
        if (action == null || action == StepAction.UNKNOWN) {
            return new DispatchResult.DeadLettered(DeadLetterReason.UNKNOWN_ACTION, "command " + command.getCommandId()
                    + " for step '" + command.getStep() + "' has action " + action
                    + ", which this participant does not know (written by a newer orchestrator?)");
        }
        if (action == StepAction.FORGET) {
            // Not a command: no handler runs and nothing is sent back, whichever steps are registered.
            store.sagaFinished(command.getSagaId(), nowMs);
            return new DispatchResult.Noted(command.getSagaId());
        }
        Optional<RegisteredHandler> handler = handlers.find(command.getStep(), action);
        if (handler.isEmpty()) {
            return new DispatchResult.DeadLettered(DeadLetterReason.NO_HANDLER, "no " + action + " handler for step '"
                    + command.getStep() + "' (command " + command.getCommandId() + ", saga type " + command.getSagaType()
                    + "); this participant handles steps " + handlers.steps());
        }
        if (command.getReplyTopic() == null || command.getReplyTopic().isBlank()) {
            return new DispatchResult.DeadLettered(DeadLetterReason.NO_REPLY_TOPIC, "command " + command.getCommandId()
                    + " for step '" + command.getStep() + "' has no replyTopic to answer on");
        }
        Optional<StepReply> forward = store.stepReply(command.getSagaId(), command.getStep(), StepStage.FORWARD);
        Optional<StepReply> closing = store.stepReply(command.getSagaId(), command.getStep(), StepStage.CLOSING);
        Optional<StepReply> answered = answered(command, forward, closing);
        if (answered.isPresent()) {
            log.debug("Command {} was answered before; sending the remembered reply again", command.getCommandId());
            return new DispatchResult.Replied(answered.get(), true);
        }
        return decide(command, handler.get(), forward, closing, nowMs);
    }

    /**
     * The reply a command was given before: the step's remembered reply when it answered this very
     * command, else the one stored under the command's id.
     */
    private Optional<StepReply> answered(StepCommand command, Optional<StepReply> forward, Optional<StepReply> closing) {
        if (answers(forward, command)) {
            return forward;
        }
        if (answers(closing, command)) {
            return closing;
        }
        return store.reply(command.getSagaId(), command.getStep(), command.getCommandId());
    }

    private static boolean answers(Optional<StepReply> remembered, StepCommand command) {
        return remembered.isPresent() && command.getCommandId().equals(remembered.get().getCommandId());
    }

    private DispatchResult.Replied decide(StepCommand command, RegisteredHandler handler, Optional<StepReply> forward,
            Optional<StepReply> closing, long nowMs) {
        StepReply reply;
        String tooLarge = null;
        StepStage remembered = null;
        Kind kind = StepRules.kindOf(command.getAction());
        Verdict verdict = StepRules.verdict(StepRules.phaseOf(forward, closing), kind);
        switch (verdict) {
            case RUN_HANDLER:
                reply = run(command, handler, inputOf(command, forward), nowMs);
                // Stored and sent, a reply over the limit would fail every transaction that holds it.
                tooLarge = sizeLimit.problem(command.getReplyTopic(), reply).orElse(null);
                if (tooLarge != null) {
                    log.warn("Command {}: {}; answering FAILED and sending the command to the dead-letter topic",
                            command.getCommandId(), tooLarge);
                    reply = replyTo(command, nowMs).failed(ParticipantErrorCodes.REPLY_TOO_LARGE, tooLarge);
                }
                if (kind == Kind.FORWARD || StepRules.closesStep(kind, reply.getOutcome())) {
                    remembered = StepRules.stageOf(kind);
                    store.putStepReply(remembered, reply);
                }
                break;
            case REPEAT_FORWARD:
                // A confirmed step whose FORWARD reply expired first has nothing to repeat.
                reply = forward.map(earlier -> repeat(command, earlier, nowMs))
                        .orElseGet(() -> refuse(command, Verdict.REFUSE_ALREADY_CONFIRMED, nowMs));
                break;
            case REPEAT_CLOSING:
                reply = repeat(command, closing.orElseThrow(), nowMs);
                break;
            case EMPTY_ROLLBACK:
                log.debug("Empty rollback: {} for saga {} step '{}' with no forward action to undo",
                        command.getAction(), command.getSagaId(), command.getStep());
                reply = replyTo(command, nowMs).succeeded(null);
                remembered = StepStage.CLOSING;
                store.putStepReply(remembered, reply);
                break;
            default:
                reply = refuse(command, verdict, nowMs);
        }
        if (!keptAtItsStage(remembered, reply, forward, closing)) {
            store.putReply(reply);
        }
        return new DispatchResult.Replied(reply, false, tooLarge == null ? null : new DispatchResult.DeadLettered(
                DeadLetterReason.REPLY_TOO_LARGE, "command " + command.getCommandId() + " for saga '" + command.getSagaId()
                        + "' was handled, but " + tooLarge));
    }

    /** Whether {@code reply}, just remembered at {@code stage} (null: at none), stays there for good. */
    private static boolean keptAtItsStage(StepStage stage, StepReply reply, Optional<StepReply> forward, Optional<StepReply> closing) {
        if (stage == null) {
            return false;
        }
        Phase after = stage == StepStage.FORWARD ? StepRules.phaseOf(Optional.of(reply), closing) : StepRules.phaseOf(forward, Optional.of(reply));
        return StepRules.keeps(after, stage);
    }

    /**
     * The payload a handler gets: the command's input, except that a COMPENSATE gets the output
     * this participant itself recorded for the step's DO when there is one. The orchestrator may not
     * have seen that output (the DO's reply came too late), and the compensation is registered for
     * the DO's output type.
     */
    private static Payload inputOf(StepCommand command, Optional<StepReply> forward) {
        if (command.getAction() == StepAction.COMPENSATE && forward.isPresent() && forward.get().getOutput() != null) {
            return forward.get().getOutput();
        }
        return command.getInput();
    }

    private StepReply run(StepCommand command, RegisteredHandler handler, Payload inputPayload, long nowMs) {
        SpecificRecord input;
        try {
            input = inputPayload == null ? null : payloads.decode(inputPayload, handler.inputType());
        } catch (RuntimeException e) {
            return replyTo(command, nowMs).failed(ParticipantErrorCodes.INVALID_INPUT,
                    "the input of " + command.getAction() + " for step '" + command.getStep() + "' does not decode into "
                            + handler.inputType().getName() + ": " + e.getMessage());
        }
        StepResult result = call(handler, input, contextOf(command));
        Payload output;
        try {
            output = result.output() == null ? null : payloads.encode(result.output());
        } catch (RuntimeException e) {
            log.warn("The output of {} could not be encoded", handler, e);
            return replyTo(command, nowMs).retryableError(e.getClass().getName(),
                    "the output " + result.output().getSchema().getFullName() + " could not be encoded: " + e.getMessage());
        }
        return replyTo(command, nowMs).answer(result.outcome(), output, result.errorCode(), result.errorMessage());
    }

    private static StepResult call(RegisteredHandler handler, SpecificRecord input, StepContext context) {
        try {
            StepResult result = handler.invoke(input, context);
            if (result == null) {
                return StepResult.retryable(ParticipantErrorCodes.NULL_RESULT, "the " + handler
                        + " returned null; return StepResult.succeeded(), failed(...) or retryable(...)");
            }
            return result;
        } catch (BusinessFailureException e) {
            return StepResult.failed(e.code(), e.getMessage());
        } catch (TransientFailureException e) {
            log.info("{} reported a transient failure for command {}: {}", handler, context.commandId(), e.getMessage());
            return StepResult.retryable(e.code(), e.getMessage());
        } catch (Exception e) {
            log.warn("{} threw for command {}; replying RETRYABLE_ERROR", handler, context.commandId(), e);
            return StepResult.retryable(e.getClass().getName(), e.getMessage());
        }
    }

    private static StepContext contextOf(StepCommand command) {
        return new StepContext(command.getCommandId(), command.getSagaId(), command.getSagaType(),
                command.getDefinitionVersion(), command.getStep(), command.getAction(), command.getAttempt(),
                command.getIssuedAtMs(), command.getMetadata());
    }

    private static StepReply repeat(StepCommand command, StepReply earlier, long nowMs) {
        return replyTo(command, nowMs).repeating(earlier);
    }

    private static StepReply refuse(StepCommand command, Verdict refusal, long nowMs) {
        return replyTo(command, nowMs).failed(refusal.refusalCode(), command.getAction() + " for saga "
                + command.getSagaId() + " step '" + command.getStep() + "' refused: " + refusal.explanation());
    }

    private static StepReplies replyTo(StepCommand command, long nowMs) {
        return StepReplies.to(command, Instant.ofEpochMilli(nowMs));
    }
}
