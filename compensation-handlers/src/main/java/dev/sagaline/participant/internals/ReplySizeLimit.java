package dev.sagaline.participant.internals;

import dev.sagaline.participant.ParticipantConfig;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.EncodedSize;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Finds a reply too large to send ({@value ParticipantConfig#REPLY_MAX_BYTES_CONFIG}) before it is
 * stored or sent. Sent, it would fail the exactly-once producer with a
 * {@code RecordTooLargeException} that aborts the transaction, and again after every restart, as
 * the command is read again; the handler would run each time.
 *
 * <p>The size is that of the bytes the reply sink writes: the saga id key and the value encoded by
 * the reply serializer for the command's reply topic (so its schema is registered under the same
 * subject). It runs on every reply, so it first adds up a cheap upper bound of that size
 * ({@link EncodedSize#atMost}) and encodes the reply only when the bound is over the limit.
 */
public final class ReplySizeLimit {

    private static final ReplySizeLimit NONE = new ReplySizeLimit(null, Integer.MAX_VALUE);

    private final Serializer<StepReply> serializer;
    private final int maxBytes;

    ReplySizeLimit(Serializer<StepReply> serializer, int maxBytes) {
        this.serializer = serializer;
        this.maxBytes = maxBytes;
    }

    /** No limit: for a {@code CommandDispatcher} outside Kafka, whose caller writes the replies. */
    public static ReplySizeLimit none() {
        return NONE;
    }

    /** Why {@code reply}, sent to {@code topic}, is too large; empty when it fits. */
    Optional<String> problem(String topic, StepReply reply) {
        if (serializer == null) {
            return Optional.empty();
        }
        // UTF-8 takes at most three bytes a character, so the bound needs no copy of the key
        if (3L * reply.getSagaId().length() + EncodedSize.WIRE_HEADER + EncodedSize.atMost(reply) <= maxBytes) {
            return Optional.empty();
        }
        long bytes = reply.getSagaId().getBytes(StandardCharsets.UTF_8).length + (long) serializer.serialize(topic, reply).length;
        if (bytes <= maxBytes) {
            return Optional.empty();
        }
        return Optional.of("the reply of " + bytes + " bytes to " + reply.getAction() + " of step '" + reply.getStep()
                + "' exceeds the limit of " + maxBytes + " bytes (" + ParticipantConfig.REPLY_MAX_BYTES_CONFIG
                + "); the producer's max.request.size and the reply topic's max.message.bytes must stay above it");
    }
}
