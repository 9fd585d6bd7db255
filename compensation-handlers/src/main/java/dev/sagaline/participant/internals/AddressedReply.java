package dev.sagaline.participant.internals;

import dev.sagaline.protocol.v1.StepReply;

/**
 * A reply with the topic it must go to. StepReply does not carry the command's replyTopic, so the
 * processor forwards this pair and the reply sink picks the topic from it.
 */
record AddressedReply(String topic, StepReply reply) {
}
