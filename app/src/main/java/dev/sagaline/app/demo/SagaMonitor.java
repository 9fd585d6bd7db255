package dev.sagaline.app.demo;

import dev.sagaline.orchestrator.runtime.SagaEnds;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.schemas.serde.SpecificAvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches the audit topic for the end of the sagas a run started: reads committed events only,
 * notes each saga's final status, and measures the time from its start request to its terminal
 * event as seen by a reader.
 */
public final class SagaMonitor implements AutoCloseable {

    private final KafkaConsumer<String, SagaEvent> consumer;
    private final Map<String, Long> startedAtNanos = new ConcurrentHashMap<>();
    private final Map<String, SagaStatus> outcomes = new HashMap<>();
    private final Histogram latencyMicros = new Histogram(3_600_000_000L, 3);

    /** Subscribes at the end of the audit topic, so only events after this point count. */
    public SagaMonitor(String eventsTopic, Map<String, Object> clientProperties, SpecificAvroSerde<SagaEvent> events) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), events.deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(eventsTopic).stream()
                .map(p -> new TopicPartition(eventsTopic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
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
        for (ConsumerRecord<String, SagaEvent> record : consumer.poll(wait)) {
            SagaEvent event = record.value();
            Long started = startedAtNanos.get(record.key());
            if (SagaEnds.ends(event) && started != null && !outcomes.containsKey(record.key())) {
                outcomes.put(record.key(), event.getToStatus());
                latencyMicros.recordValue(Math.max(0, (System.nanoTime() - started) / 1_000));
            }
        }
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
        consumer.close();
    }
}
