package dev.sagaline.participant.testsupport;

import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.serde.Payloads;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * A StepCommand under construction, with test defaults: command id {@code <saga>/<step>/<action>/<attempt>},
 * attempt 1, no input, replies to {@link ParticipantDriver#REPLY_TOPIC}.
 */
public final class CommandSpec {

    private final Payloads payloads;
    private final StepCommand.Builder command;
    private boolean idSet;

    /** A command with test defaults, its input encoded with {@code payloads}, e.g. for a real-broker test. */
    public static CommandSpec of(Payloads payloads, String sagaId, String step, StepAction action) {
        return new CommandSpec(payloads, sagaId, step, action);
    }

    CommandSpec(Payloads payloads, String sagaId, String step, StepAction action) {
        this.payloads = payloads;
        this.command = StepCommand.newBuilder()
                .setSagaId(sagaId)
                .setSagaType("checkout")
                .setDefinitionVersion(1)
                .setStep(step)
                .setAction(action)
                .setAttempt(1)
                .setInput(null)
                .setReplyTopic(ParticipantDriver.REPLY_TOPIC)
                .setIssuedAtMs(Instant.parse("2026-01-01T00:00:00Z"))
                .setMetadata(Map.of("traceId", "trace-" + sagaId));
    }

    public CommandSpec id(String commandId) {
        command.setCommandId(commandId);
        idSet = true;
        return this;
    }

    public CommandSpec attempt(int attempt) {
        command.setAttempt(attempt);
        return this;
    }

    /** The input, encoded as the orchestrator would. */
    public CommandSpec input(SpecificRecord input) {
        command.setInput(payloads.encode(input));
        return this;
    }

    /** An input payload as is, such as one that does not decode. */
    public CommandSpec rawInput(Payload input) {
        command.setInput(input);
        return this;
    }

    public CommandSpec replyTopic(String replyTopic) {
        command.setReplyTopic(replyTopic);
        return this;
    }

    public StepCommand build() {
        if (!idSet) {
            command.setCommandId(command.getSagaId() + "/" + command.getStep() + "/" + command.getAction() + "/" + command.getAttempt());
        }
        return command.build();
    }
}
