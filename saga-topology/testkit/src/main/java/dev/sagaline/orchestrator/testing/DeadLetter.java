package dev.sagaline.orchestrator.testing;

import dev.sagaline.protocol.DeadLetterReason;

/**
 * A record the orchestrator sent to its dead-letter topic, with the reason its
 * {@link dev.sagaline.protocol.DeadLetterHeaders} give.
 *
 * @param key the record's key as it was read
 * @param value the record's value as it was read
 * @param reason why it was dead-lettered; null when the record carries no reason this version knows
 * @param detail the reason in words, naming the saga, step or decoding error
 * @param sourceTopic the topic it was read from
 */
public record DeadLetter(byte[] key, byte[] value, DeadLetterReason reason, String detail, String sourceTopic) {
}
