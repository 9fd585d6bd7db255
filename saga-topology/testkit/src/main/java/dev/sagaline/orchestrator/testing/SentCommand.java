package dev.sagaline.orchestrator.testing;

import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.serde.Payloads;
import org.apache.avro.specific.SpecificRecord;

/**
 * A command the orchestrator sent during a test, with the topic it went to. Its input can be read
 * as the participant would read it, typed with the team's own Avro class.
 */
public final class SentCommand {

    private final String topic;
    private final StepCommand command;
    private final Payloads payloads;

    SentCommand(String topic, StepCommand command, Payloads payloads) {
        this.topic = topic;
        this.command = command;
        this.payloads = payloads;
    }

    public String topic() {
        return topic;
    }

    public StepCommand command() {
        return command;
    }

    public String sagaId() {
        return command.getSagaId();
    }

    public String step() {
        return command.getStep();
    }

    public StepAction action() {
        return command.getAction();
    }

    public int attempt() {
        return command.getAttempt();
    }

    public String commandId() {
        return command.getCommandId();
    }

    /** The command's input decoded as {@code type}. */
    public <T extends SpecificRecord> T input(Class<T> type) {
        return payloads.decode(command.getInput(), type);
    }

    @Override
    public String toString() {
        return command.getAction() + " " + command.getStep() + " #" + command.getAttempt() + " of saga " + command.getSagaId() + " on " + topic;
    }
}
