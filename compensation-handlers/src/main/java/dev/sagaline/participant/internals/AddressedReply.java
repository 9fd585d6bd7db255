package dev.sagaline.participant.internals;

import dev.sagaline.protocol.v1.StepReply;

/**
 * A reply with the topic it must go to and, when the command named one in its headers
 * ({@code ReplyAddress}), the partition of that topic its saga lives on. StepReply carries neither,
 * so the processor forwards them with it and the reply sink places the reply by them.
 *
 * @param partition the saga's reply partition, or null to let the default partitioner hash the key
 */
record AddressedReply(String topic, Integer partition, StepReply reply) {
}
