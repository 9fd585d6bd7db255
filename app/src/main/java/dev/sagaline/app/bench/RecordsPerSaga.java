package dev.sagaline.app.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The records a burst of sagas wrote, per saga, to the phase's topics and to the changelogs of the
 * orchestrator's and the participant's stores: the work each saga's transactions carry. Counted by
 * reading what committed between the end offsets before and after the burst ({@code
 * read_committed}, so transaction markers, which take offsets too, are not counted). The
 * participant's handling of the last sagas' finish notices may fall after the count, as the
 * warm-up's may fall in it.
 */
final class RecordsPerSaga {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, String> groups = new TreeMap<>();
    private final Map<TopicPartition, Long> before;

    private RecordsPerSaga(BenchCluster cluster, BenchTopics topics, String orchestratorId, String participantId) {
        Map<String, Object> props = cluster.clientConfig();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        topics.all().forEach(topic -> groups.put(topic, "topics"));
        for (String topic : consumer.listTopics().keySet()) {
            // the participant's id starts with the orchestrator's, so it is asked first
            if (topic.endsWith("-changelog") && topic.startsWith(participantId + "-")) {
                groups.put(topic, "participant changelogs");
            } else if (topic.endsWith("-changelog") && topic.startsWith(orchestratorId + "-")) {
                groups.put(topic, "orchestrator changelogs");
            }
        }
        before = consumer.endOffsets(partitions());
    }

    /** Notes where every topic of the phase ends now, before a burst. */
    static RecordsPerSaga before(BenchCluster cluster, BenchTopics topics, String orchestratorId, String participantId) {
        return new RecordsPerSaga(cluster, topics, orchestratorId, participantId);
    }

    /**
     * Records per saga written since {@link #before}, by topic (its name without the phase's
     * prefix) and summed into {@code topics}, {@code orchestrator changelogs} and {@code participant
     * changelogs}.
     */
    Map<String, Double> after(int sagas, String prefix) {
        List<TopicPartition> partitions = partitions();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<String, Long> counts = new TreeMap<>();
        consumer.assign(partitions);
        partitions.forEach(tp -> consumer.seek(tp, before.getOrDefault(tp, 0L)));
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    counts.merge(record.topic(), 1L, Long::sum);
                }
            }
        }
        consumer.close();
        Map<String, Double> perSaga = new TreeMap<>();
        counts.forEach((topic, count) -> {
            perSaga.put(topic.startsWith(prefix) ? topic.substring(prefix.length()) : topic, count / (double) sagas);
            perSaga.merge(groups.get(topic), count / (double) sagas, Double::sum);
        });
        return perSaga;
    }

    /** The three sums of {@link #after}, to a tenth: topics, orchestrator changelogs, participant changelogs. */
    static List<Double> summary(Map<String, Double> perSaga) {
        return Stream.of("topics", "orchestrator changelogs", "participant changelogs")
                .map(group -> Math.round(perSaga.getOrDefault(group, 0.0) * 10) / 10.0).toList();
    }

    private List<TopicPartition> partitions() {
        return groups.keySet().stream()
                .flatMap(topic -> consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())))
                .toList();
    }
}
