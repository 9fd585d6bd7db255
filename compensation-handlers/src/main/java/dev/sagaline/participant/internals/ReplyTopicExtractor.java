package dev.sagaline.participant.internals;

import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/** Sends each reply to the topic its command named. A class rather than a lambda so {@code describe()} stays stable. */
final class ReplyTopicExtractor implements TopicNameExtractor<String, AddressedReply> {

    @Override
    public String extract(String key, AddressedReply reply, RecordContext recordContext) {
        return reply.topic();
    }

    @Override
    public String toString() {
        return "each command's replyTopic";
    }
}
