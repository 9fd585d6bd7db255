package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands and audit events that handling one input produces, built in the order they are
 * decided. Events are numbered from the saga's own sequence, so its log has no gaps.
 */
final class SagaOutput {

    private final SagaState state;
    private final String replyTopic;
    private final long now;
    private final List<SagaDecision.OutgoingCommand> commands = new ArrayList<>();
    private final List<SagaEvent> events = new ArrayList<>();

    SagaOutput(SagaState state, String replyTopic, long now) {
        this.state = state;
        this.replyTopic = replyTopic;
        this.now = now;
    }

    List<SagaDecision.OutgoingCommand> commands() {
        return List.copyOf(commands);
    }

    List<SagaEvent> events() {
        return List.copyOf(events);
    }

    /** Sends the command that {@code step}'s action, attempt and command id describe, to {@code topic}. */
    void command(String topic, StepState step, Payload input) {
        commands.add(new SagaDecision.OutgoingCommand(topic, StepCommand.newBuilder()
                .setCommandId(step.getCommandId())
                .setSagaId(state.getSagaId())
                .setSagaType(state.getSagaType())
                .setDefinitionVersion(state.getDefinitionVersion())
                .setStep(step.getName())
                .setAction(step.getAction())
                .setAttempt(step.getAttempt())
                .setInput(input)
                .setReplyTopic(replyTopic)
                .setIssuedAtMs(Instant.ofEpochMilli(now))
                .setMetadata(state.getMetadata())
                .build()));
    }

    /** Sends the FORGET notice for {@code step} of the finished saga to {@code topic}; participants do not reply to it. */
    void finishNotice(String topic, String step, String commandId) {
        commands.add(new SagaDecision.OutgoingCommand(topic, StepCommand.newBuilder()
                .setCommandId(commandId)
                .setSagaId(state.getSagaId())
                .setSagaType(state.getSagaType())
                .setDefinitionVersion(state.getDefinitionVersion())
                .setStep(step)
                .setAction(StepAction.FORGET)
                .setAttempt(1)
                .setInput(null)
                .setReplyTopic(replyTopic)
                .setIssuedAtMs(Instant.ofEpochMilli(now))
                .setMetadata(state.getMetadata())
                .build()));
    }

    /** An event of {@code kind} to fill in and {@link Event#write() write}. */
    Event event(SagaEventKind kind) {
        return new Event(kind);
    }

    /** One audit event being written; unset fields stay null, the statuses default to the saga's current one. */
    final class Event {

        private final SagaEvent.Builder builder;
        private SagaStatus from;
        private SagaStatus to;
        private boolean statusesSet;

        private Event(SagaEventKind kind) {
            this.builder = SagaEvent.newBuilder().setKind(kind);
        }

        Event reason(String reason) {
            builder.setReason(reason);
            return this;
        }

        Event step(String step) {
            builder.setStep(step);
            return this;
        }

        Event error(String code, String message) {
            builder.setErrorCode(code).setErrorMessage(message);
            return this;
        }

        /** The step the event is about, with its last error. */
        Event about(StepState step) {
            return step(step.getName()).error(step.getLastErrorCode(), step.getLastErrorMessage());
        }

        /** The command the event is about. */
        Event command(StepAction action, Integer attempt, String commandId) {
            builder.setAction(action).setAttempt(attempt).setCommandId(commandId);
            return this;
        }

        /** The status change the event records; {@code from} is null for a saga's first event. */
        Event statuses(SagaStatus from, SagaStatus to) {
            this.from = from;
            this.to = to;
            this.statusesSet = true;
            return this;
        }

        void write() {
            state.setEventSequence(state.getEventSequence() + 1);
            events.add(builder
                    .setSagaId(state.getSagaId())
                    .setSagaType(state.getSagaType())
                    .setDefinitionVersion(state.getDefinitionVersion())
                    .setSequence(state.getEventSequence())
                    .setFromStatus(statusesSet ? from : state.getStatus())
                    .setToStatus(statusesSet ? to : state.getStatus())
                    .setTimestampMs(Instant.ofEpochMilli(now))
                    .build());
        }
    }
}
