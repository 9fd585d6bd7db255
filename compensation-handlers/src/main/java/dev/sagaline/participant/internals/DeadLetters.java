package dev.sagaline.participant.internals;

import dev.sagaline.participant.DeadLetterHeaders;
import dev.sagaline.participant.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/** Writes the {@link DeadLetterHeaders} the same way for both routes to the dead-letter topic. */
final class DeadLetters {

    private DeadLetters() {
    }

    static void addHeaders(Headers headers, DeadLetterReason reason, String detail, String topic, int partition, long offset) {
        add(headers, DeadLetterHeaders.REASON, reason.name());
        add(headers, DeadLetterHeaders.DETAIL, detail);
        add(headers, DeadLetterHeaders.SOURCE_TOPIC, topic);
        add(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(partition));
        add(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(offset));
    }

    static void add(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
