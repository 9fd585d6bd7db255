package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.protocol.v1.StepReply;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Places what the coordinator writes to the reply topic: a {@link ReplyTick} on the partition it
 * probes, and a reply on the partition of its saga, as Java's default partitioner places a string
 * key (murmur2), which is where the saga's requests, state and task are.
 */
public final class ReplyPartitions implements StreamPartitioner<String, Object> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Object value, int numPartitions) {
        if (value instanceof ReplyTick tick) {
            return Optional.of(Set.of(tick.partition()));
        }
        return Optional.of(Set.of(sagaPartition(key, numPartitions)));
    }

    /** The partition of saga {@code sagaId} among {@code numPartitions}. */
    static int sagaPartition(String sagaId, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(sagaId.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }

    /** The value serializer of the reply sink: a tick has no value, a reply is written with {@code replies}. */
    public static Serializer<Object> serializer(Serializer<StepReply> replies) {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, Object value) {
                return value instanceof ReplyTick ? null : replies.serialize(topic, (StepReply) value);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, Object value) {
                return serialize(topic, value);
            }
        };
    }

    @Override
    public String toString() {
        return "a tick's own partition, or the partition of the reply's saga";
    }
}
