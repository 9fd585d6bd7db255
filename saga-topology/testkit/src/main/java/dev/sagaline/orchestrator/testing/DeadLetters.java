package dev.sagaline.orchestrator.testing;

import dev.sagaline.protocol.DeadLetterHeaders;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/** The records the orchestrator set aside on its dead-letter topic during a test, with their reasons. */
final class DeadLetters {

    private final TestOutputTopic<byte[], byte[]> topic;
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    DeadLetters(TestOutputTopic<byte[], byte[]> topic) {
        this.topic = topic;
    }

    void readNew() {
        for (TestRecord<byte[], byte[]> record : topic.readRecordsToList()) {
            Headers headers = record.headers();
            deadLetters.add(new DeadLetter(record.key(), record.value(), DeadLetterHeaders.reason(headers).orElse(null),
                    DeadLetterHeaders.detail(headers).orElse(null), DeadLetterHeaders.sourceTopic(headers).orElse(null)));
        }
    }

    List<DeadLetter> all() {
        return List.copyOf(deadLetters);
    }
}
