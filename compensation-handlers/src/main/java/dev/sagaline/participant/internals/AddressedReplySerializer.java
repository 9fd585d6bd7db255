package dev.sagaline.participant.internals;

import dev.sagaline.protocol.v1.StepReply;
import org.apache.kafka.common.serialization.Serializer;

/** Writes only the reply of an {@link AddressedReply}, with the protocol's reply serializer. */
final class AddressedReplySerializer implements Serializer<AddressedReply> {

    private final Serializer<StepReply> replies;

    AddressedReplySerializer(Serializer<StepReply> replies) {
        this.replies = replies;
    }

    @Override
    public byte[] serialize(String topic, AddressedReply data) {
        return data == null ? null : replies.serialize(topic, data.reply());
    }
}
