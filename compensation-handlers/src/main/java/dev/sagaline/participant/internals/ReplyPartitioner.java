package dev.sagaline.participant.internals;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Writes each reply to the partition its command named ({@code sagaline.reply.partition}), so it
 * reaches its saga whichever hash placed the saga there; a command that named none leaves the
 * reply to the default partitioner. A class rather than a lambda so {@code describe()} stays stable.
 */
final class ReplyPartitioner implements StreamPartitioner<String, AddressedReply> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, AddressedReply reply, int numPartitions) {
        if (reply.partition() == null || reply.partition() >= numPartitions) {
            return Optional.empty();
        }
        return Optional.of(Set.of(reply.partition()));
    }

    @Override
    public String toString() {
        return "the partition each command named";
    }
}
