package dev.sagaline.orchestrator.runtime;

import dev.sagaline.protocol.v1.SagaEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads the orchestrator's audit topic as every tool should: committed events only
 * ({@code read_committed}), every partition assigned by hand (no consumer group, no committed
 * offsets), keyed by saga id, and with "the saga ended" meaning {@link SagaEnds#ends}. The demo,
 * the benchmark, the operator API and the tests read it through this one class.
 *
 * <pre>{@code
 * try (AuditTopicReader audit = AuditTopicReader.fromEnd(config.topics().events(), clientSettings, serdes.events().deserializer())) {
 *     startSagas();
 *     audit.pollEnds(Duration.ofMillis(200), (sagaId, event) -> ended.put(sagaId, event.getToStatus()));
 * }
 * }</pre>
 *
 * <p>Not thread-safe, like the consumer inside it: read it from one thread.
 */
public final class AuditTopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, SagaEvent> consumer;
    private final List<TopicPartition> partitions;

    private AuditTopicReader(KafkaConsumer<String, SagaEvent> consumer, List<TopicPartition> partitions) {
        this.consumer = consumer;
        this.partitions = partitions;
    }

    /**
     * Reads the events written after this call (the topic must exist).
     *
     * @param clientSettings the cluster's client settings; keys that are not consumer settings are
     *     ignored, and a group id is dropped
     */
    public static AuditTopicReader fromEnd(String topic, Map<String, ?> clientSettings, Deserializer<SagaEvent> events) {
        KafkaConsumer<String, SagaEvent> consumer = tail(topic, clientSettings, events);
        return new AuditTopicReader(consumer, List.copyOf(consumer.assignment()));
    }

    /** Reads the topic from its beginning (the topic must exist); settings as for {@link #fromEnd}. */
    public static AuditTopicReader fromStart(String topic, Map<String, ?> clientSettings, Deserializer<SagaEvent> events) {
        KafkaConsumer<String, SagaEvent> consumer = consumer(clientSettings, events);
        List<TopicPartition> partitions = partitions(consumer, topic);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        partitions.forEach(consumer::position);
        return new AuditTopicReader(consumer, partitions);
    }

    /**
     * Reads only the partition that holds {@code sagaId}'s events, from the first event stamped at
     * or after {@code notBefore} (from the beginning when null), so that reading one saga does not
     * grow with the topic's age. Other sagas' events on that partition are read too.
     */
    public static AuditTopicReader ofSaga(String topic, Map<String, ?> clientSettings, Deserializer<SagaEvent> events,
                                          String sagaId, Instant notBefore) {
        KafkaConsumer<String, SagaEvent> consumer = consumer(clientSettings, events);
        // The orchestrator keys events by saga id with the default partitioner.
        int count = consumer.partitionsFor(topic).size();
        TopicPartition partition = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(sagaId.getBytes(StandardCharsets.UTF_8))) % count);
        consumer.assign(List.of(partition));
        long from = notBefore == null ? 0 : Math.max(0, notBefore.toEpochMilli());
        OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, from)).get(partition);
        if (start == null) {
            consumer.seekToEnd(List.of(partition));
        } else {
            consumer.seek(partition, start.offset());
        }
        consumer.position(partition);
        return new AuditTopicReader(consumer, List.of(partition));
    }

    /**
     * A consumer of {@code topic}'s records as they are ({@code values} may be raw bytes),
     * positioned at its end, for readers that need more than the events: committed records only,
     * every partition assigned, settings as for {@link #fromEnd}.
     */
    public static <V> KafkaConsumer<String, V> tail(String topic, Map<String, ?> clientSettings, Deserializer<V> values) {
        KafkaConsumer<String, V> consumer = consumer(clientSettings, values);
        List<TopicPartition> partitions = partitions(consumer, topic);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    /** Hands every event that {@link SagaEnds#ends ends} its saga in {@code records} to {@code ends}, with the saga id. */
    public static void forEachEnd(ConsumerRecords<String, SagaEvent> records, BiConsumer<String, SagaEvent> ends) {
        for (ConsumerRecord<String, SagaEvent> record : records) {
            if (SagaEnds.ends(record.value())) {
                ends.accept(record.key(), record.value());
            }
        }
    }

    /** Reads what arrives within {@code wait} and hands every event to {@code sink}, with its saga id. */
    public void poll(Duration wait, BiConsumer<String, SagaEvent> sink) {
        for (ConsumerRecord<String, SagaEvent> record : consumer.poll(wait)) {
            sink.accept(record.key(), record.value());
        }
    }

    /** Reads what arrives within {@code wait} and hands the events that {@link SagaEnds#ends end} their saga to {@code ends}. */
    public void pollEnds(Duration wait, BiConsumer<String, SagaEvent> ends) {
        forEachEnd(consumer.poll(wait), ends);
    }

    /** Reads up to the end of the topic as it is now, or until {@code stop} says so, handing every event to {@code sink}. */
    public void readToEnd(BooleanSupplier stop, BiConsumer<String, SagaEvent> sink) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (!stop.getAsBoolean() && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            poll(POLL, sink);
        }
    }

    /** Reads new events until {@code stop} says so, handing every event to {@code sink}. */
    public void follow(BooleanSupplier stop, BiConsumer<String, SagaEvent> sink) {
        while (!stop.getAsBoolean()) {
            poll(POLL, sink);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }

    private static <V> KafkaConsumer<String, V> consumer(Map<String, ?> clientSettings, Deserializer<V> values) {
        Map<String, Object> settings = new HashMap<>();
        clientSettings.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                settings.put(key, value);
            }
        });
        // Partitions are assigned by hand: a group would only add a rebalance and commits nobody reads.
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(settings, new StringDeserializer(), values);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }
}
