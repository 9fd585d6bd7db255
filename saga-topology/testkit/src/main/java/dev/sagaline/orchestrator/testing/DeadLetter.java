package dev.sagaline.orchestrator.testing;

/**
 * A record the orchestrator sent to its dead-letter topic, with the reason it gave.
 *
 * @param key the record's key as it was read
 * @param value the record's value as it was read
 * @param reason why it was dead-lettered
 * @param sourceTopic the topic it was read from
 */
public record DeadLetter(byte[] key, byte[] value, String reason, String sourceTopic) {
}
