package dev.sagaline.participant.internals;

import dev.sagaline.protocol.v1.StepCommand;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A command as the source read it: decoded, and the bytes it was decoded from. A dead letter
 * carries the bytes, not a re-encoding, so a command a newer orchestrator wrote (an action this
 * participant reads as UNKNOWN, fields it does not know) keeps all of it for when it is published
 * again.
 *
 * @param command the decoded command
 * @param bytes the record's value as written
 */
record ReadCommand(StepCommand command, byte[] bytes) {

    /** The source deserializer: {@code commands} decodes, a tombstone stays null. */
    static Deserializer<ReadCommand> deserializer(Deserializer<StepCommand> commands) {
        return new Deserializer<>() {
            @Override
            public ReadCommand deserialize(String topic, byte[] data) {
                return data == null ? null : new ReadCommand(commands.deserialize(topic, data), data);
            }

            @Override
            public ReadCommand deserialize(String topic, Headers headers, byte[] data) {
                return data == null ? null : new ReadCommand(commands.deserialize(topic, headers, data), data);
            }
        };
    }
}
