package dev.sagaline.schemas.serde;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where the reply to a command must go, as the orchestrator writes it into the headers of every
 * command: the reply topic ({@value #TOPIC_HEADER}) and the partition of the reply topic that
 * holds the saga ({@value #PARTITION_HEADER}), both as UTF-8 text. A participant that writes its
 * reply to exactly that partition needs no partitioner that agrees with the orchestrator's, so a
 * client in any language (librdkafka hashes keys with CRC32, Java with murmur2) replies correctly.
 *
 * @param topic the reply topic, as in {@code StepCommand.replyTopic}
 * @param partition the partition of {@code topic} the saga lives on
 */
public record ReplyAddress(String topic, int partition) {

    /** Header naming the reply topic. */
    public static final String TOPIC_HEADER = "sagaline.reply.topic";
    /** Header naming the reply partition, in decimal. */
    public static final String PARTITION_HEADER = "sagaline.reply.partition";

    /** Adds the two headers to {@code headers}, replacing earlier ones; returns {@code headers}. */
    public Headers writeTo(Headers headers) {
        headers.remove(TOPIC_HEADER);
        headers.remove(PARTITION_HEADER);
        headers.add(TOPIC_HEADER, topic.getBytes(StandardCharsets.UTF_8));
        headers.add(PARTITION_HEADER, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** The address in {@code headers}; empty when either header is missing or the partition is not a number. */
    public static Optional<ReplyAddress> readFrom(Headers headers) {
        Header topic = headers.lastHeader(TOPIC_HEADER);
        Header partition = headers.lastHeader(PARTITION_HEADER);
        if (topic == null || partition == null || topic.value() == null || partition.value() == null) {
            return Optional.empty();
        }
        try {
            int number = Integer.parseInt(new String(partition.value(), StandardCharsets.UTF_8).trim());
            return number < 0 ? Optional.empty() : Optional.of(new ReplyAddress(new String(topic.value(), StandardCharsets.UTF_8), number));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
