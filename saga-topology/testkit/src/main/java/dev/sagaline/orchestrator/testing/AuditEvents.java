package dev.sagaline.orchestrator.testing;

import dev.sagaline.protocol.v1.SagaEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;

/** The audit events the orchestrator wrote during a test, in order. */
final class AuditEvents {

    private final TestOutputTopic<String, SagaEvent> topic;
    private final List<SagaEvent> events = new ArrayList<>();

    AuditEvents(TestOutputTopic<String, SagaEvent> topic) {
        this.topic = topic;
    }

    void readNew() {
        events.addAll(topic.readValuesToList());
    }

    List<SagaEvent> all() {
        return List.copyOf(events);
    }

    List<SagaEvent> of(String sagaId) {
        return events.stream().filter(e -> e.getSagaId().equals(sagaId)).toList();
    }
}
