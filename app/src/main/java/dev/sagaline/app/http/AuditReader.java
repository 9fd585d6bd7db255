package dev.sagaline.app.http;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.schemas.serde.SpecificAvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads audit events back from the events topic, committed ones only: one saga's (only its
 * partition, from a little before it started, found by timestamp, so the read does not grow with
 * the topic's age), or every saga's, up to the current end or following new ones.
 */
final class AuditReader {

    /** How far before a saga's start its first event may be stamped (clock skew between instances). */
    private static final Duration START_SLACK = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final Map<String, Object> clientProperties;
    private final SpecificAvroSerde<SagaEvent> serde;

    AuditReader(String topic, Map<String, Object> clientProperties, SpecificAvroSerde<SagaEvent> serde) {
        this.topic = topic;
        this.clientProperties = clientProperties;
        this.serde = serde;
    }

    /** The saga's events written so far, in order. */
    List<SagaEvent> eventsOf(String sagaId, Instant startedAt) {
        List<SagaEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, SagaEvent> consumer = consumer()) {
            int partitions = consumer.partitionsFor(topic).size();
            TopicPartition partition = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(sagaId.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions);
            consumer.assign(List.of(partition));
            long from = startedAt == null ? 0 : Math.max(0, startedAt.minus(START_SLACK).toEpochMilli());
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, from)).get(partition);
            if (start == null) {
                return events;
            }
            consumer.seek(partition, start.offset());
            readToEnd(consumer, List.of(partition), () -> false, record -> {
                if (sagaId.equals(record.key())) {
                    events.add(record.value());
                }
            });
        }
        return events;
    }

    /**
     * Hands every event to {@code sink}, from the start of the topic (or its end, with
     * {@code fromEnd}), optionally only {@code sagaId}'s; stops at the current end unless
     * {@code follow}, then when {@code stop} says so.
     */
    void stream(String sagaId, boolean fromEnd, boolean follow, BooleanSupplier stop, Consumer<SagaEvent> sink) {
        try (KafkaConsumer<String, SagaEvent> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            if (fromEnd) {
                consumer.seekToEnd(partitions);
            } else {
                consumer.seekToBeginning(partitions);
            }
            Consumer<ConsumerRecord<String, SagaEvent>> handle = record -> {
                if (sagaId == null || sagaId.equals(record.key())) {
                    sink.accept(record.value());
                }
            };
            if (!follow) {
                readToEnd(consumer, partitions, stop, handle);
                return;
            }
            while (!stop.getAsBoolean()) {
                consumer.poll(POLL).forEach(handle);
            }
        }
    }

    private static void readToEnd(KafkaConsumer<String, SagaEvent> consumer, List<TopicPartition> partitions, BooleanSupplier stop,
                                  Consumer<ConsumerRecord<String, SagaEvent>> handle) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (!stop.getAsBoolean() && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            consumer.poll(POLL).forEach(handle);
        }
    }

    private KafkaConsumer<String, SagaEvent> consumer() {
        Map<String, Object> props = new HashMap<>();
        clientProperties.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new StringDeserializer(), serde.deserializer());
    }
}
