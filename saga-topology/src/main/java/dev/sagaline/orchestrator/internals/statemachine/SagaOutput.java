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
        commands.add(new SagaDecision.OutgoingCommand(topic, command(step.getCommandId(), step.getName(), step.getAction(),
                step.getAttempt(), input)));
    }

    /**
     * Sends the FORGET notice of the finished saga to {@code topic}, named after {@code step},
     * unless one went there already: a participant keeps what it remembers per saga, and the
     * saga's commands on one topic all reach the same task (they are keyed by saga id), so one
     * notice starts the retention of every step it handled. Participants do not reply to it.
     */
    void finishNotice(String topic, String step, String commandId) {
        if (commands.stream().anyMatch(sent -> sent.topic().equals(topic) && sent.command().getAction() == StepAction.FORGET)) {
            return;
        }
        commands.add(new SagaDecision.OutgoingCommand(topic, command(commandId, step, StepAction.FORGET, 1, null)));
    }

    /**
     * A command with every field set. Built with setters, not Avro's builder: the builder looks up
     * and copies the schema's default of every field it was not given, a cost that showed in the
     * profile of the saga phase, and here every field is given.
     */
    private StepCommand command(String commandId, String step, StepAction action, int attempt, Payload input) {
        StepCommand command = new StepCommand();
        command.setCommandId(commandId);
        command.setSagaId(state.getSagaId());
        command.setSagaType(state.getSagaType());
        command.setDefinitionVersion(state.getDefinitionVersion());
        command.setStep(step);
        command.setAction(action);
        command.setAttempt(attempt);
        command.setInput(input);
        command.setReplyTopic(replyTopic);
        command.setIssuedAtMs(Instant.ofEpochMilli(now));
        command.setMetadata(state.getMetadata());
        return command;
    }

    /** An event of {@code kind} to fill in and {@link Event#write() write}. */
    Event event(SagaEventKind kind) {
        return new Event(kind);
    }

    /**
     * One audit event being written; unset fields stay null (every optional field of SagaEvent
     * defaults to null, so no builder has to copy defaults), the statuses default to the saga's
     * current one.
     */
    final class Event {

        private final SagaEvent event = new SagaEvent();
        private SagaStatus from;
        private SagaStatus to;
        private boolean statusesSet;

        private Event(SagaEventKind kind) {
            event.setKind(kind);
        }

        Event reason(String reason) {
            event.setReason(reason);
            return this;
        }

        Event step(String step) {
            event.setStep(step);
            return this;
        }

        Event error(String code, String message) {
            event.setErrorCode(code);
            event.setErrorMessage(message);
            return this;
        }

        /** The step the event is about, with its last error. */
        Event about(StepState step) {
            return step(step.getName()).error(step.getLastErrorCode(), step.getLastErrorMessage());
        }

        /** The command the event is about. */
        Event command(StepAction action, Integer attempt, String commandId) {
            event.setAction(action);
            event.setAttempt(attempt);
            event.setCommandId(commandId);
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
            event.setSagaId(state.getSagaId());
            event.setSagaType(state.getSagaType());
            event.setDefinitionVersion(state.getDefinitionVersion());
            event.setSequence(state.getEventSequence());
            event.setFromStatus(statusesSet ? from : state.getStatus());
            event.setToStatus(statusesSet ? to : state.getStatus());
            event.setTimestampMs(Instant.ofEpochMilli(now));
            events.add(event);
        }
    }
}
