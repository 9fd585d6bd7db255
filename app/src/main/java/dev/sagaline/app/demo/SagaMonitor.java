package dev.sagaline.app.demo;

import dev.sagaline.orchestrator.runtime.AuditTopicReader;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.schemas.serde.SpecificAvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;

/**
 * Watches the audit topic for the end of the sagas a run started: reads committed events only,
 * notes each saga's final status, and measures the time from its start request to its terminal
 * event as seen by a reader.
 */
public final class SagaMonitor implements AutoCloseable {

    private final AuditTopicReader audit;
    private final Map<String, Long> startedAtNanos = new ConcurrentHashMap<>();
    private final Map<String, SagaStatus> outcomes = new HashMap<>();
    private final Histogram latencyMicros = new Histogram(3_600_000_000L, 3);

    /** Subscribes at the end of the audit topic, so only events after this point count. */
    public SagaMonitor(String eventsTopic, Map<String, Object> clientProperties, SpecificAvroSerde<SagaEvent> events) {
        this.audit = AuditTopicReader.fromEnd(eventsTopic, clientProperties, events.deserializer());
    }

    /** Notes that the saga's start request is being sent now. */
    public void started(String sagaId) {
        startedAtNanos.put(sagaId, System.nanoTime());
    }

    /** How many start requests were sent. */
    public int startedCount() {
        return startedAtNanos.size();
    }

    /** Reads what arrived within {@code wait}; returns how many of the run's sagas have ended. */
    public int poll(Duration wait) {
        audit.pollEnds(wait, (sagaId, event) -> {
            Long started = startedAtNanos.get(sagaId);
            if (started != null && !outcomes.containsKey(sagaId)) {
                outcomes.put(sagaId, event.getToStatus());
                latencyMicros.recordValue(Math.max(0, (System.nanoTime() - started) / 1_000));
            }
        });
        return outcomes.size();
    }

    /** The final status of each saga that ended, by saga id. */
    public Map<String, SagaStatus> outcomes() {
        return outcomes;
    }

    /** Start-to-end latencies in microseconds. */
    public Histogram latencyMicros() {
        return latencyMicros;
    }

    @Override
    public void close() {
        audit.close();
    }
}
