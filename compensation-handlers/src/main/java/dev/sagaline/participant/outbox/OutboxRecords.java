package dev.sagaline.participant.outbox;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** How an outbox row becomes a Kafka record, the same for every relay. */
final class OutboxRecords {

    private OutboxRecords() {
    }

    /**
     * The record for one outbox message: its headers in order, then {@value OutboxMessage#ID_HEADER}.
     * No timestamp: the producer stamps the send time, so a message published after a long outage
     * is not already older than the topic's retention.
     */
    static ProducerRecord<String, byte[]> of(String id, String topic, String key, byte[] value, Map<String, String> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach((name, text) -> recordHeaders.add(name, text.getBytes(StandardCharsets.UTF_8)));
        recordHeaders.add(OutboxMessage.ID_HEADER, id.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, null, key, value, recordHeaders);
    }
}
