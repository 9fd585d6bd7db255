package dev.sagaline.app.bench;

import dev.sagaline.orchestrator.runtime.AuditTopicReader;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.orchestrator.runtime.OrchestratorTopics;
import dev.sagaline.topics.ClientProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What every benchmark phase shares: the cluster, the partitions, commit interval and client
 * profile all phases use (so their figures compare), a state directory, and a reader of the topic
 * where a phase's sagas end.
 *
 * @param bootstrapServers the cluster
 * @param partitions partitions of every topic
 * @param commitIntervalMs Kafka Streams' commit interval in every app; 0 leaves it to the profile
 * @param profile the client profile every app runs with ({@code sagaline.profile} for the orchestrator and participants)
 * @param stateDir root of the apps' state directories
 * @param clientSettings Kafka client settings every client of the benchmark gets besides
 *     {@code bootstrap.servers}, such as {@code security.protocol} and {@code sasl.jaas.config} for a
 *     secured cluster; empty for a plain one
 */
record BenchCluster(String bootstrapServers, int partitions, long commitIntervalMs, ClientProfile profile, Path stateDir,
                    Map<String, Object> clientSettings) {

    BenchCluster {
        clientSettings = Map.copyOf(clientSettings);
    }

    /** The same cluster with other partitions and commit interval. */
    BenchCluster at(int otherPartitions, long otherCommitIntervalMs) {
        return new BenchCluster(bootstrapServers, otherPartitions, otherCommitIntervalMs, profile, stateDir, clientSettings);
    }

    /** A new mutable map of what every client needs to reach the cluster: the client settings and {@code bootstrap.servers}. */
    Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** The commit interval the apps run with: the explicit one, the profile's, or Kafka Streams' default under exactly-once. */
    long effectiveCommitIntervalMs() {
        if (commitIntervalMs > 0) {
            return commitIntervalMs;
        }
        Object profiled = profile.settings().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        return profiled == null ? 100 : ((Number) profiled).longValue();
    }

    /**
     * Settings every Kafka Streams app of the benchmark gets; the orchestrator and participants
     * apply the profile themselves, from {@code sagaline.profile}.
     */
    Map<String, Object> streamsSettings(String applicationId) {
        Map<String, Object> settings = clientConfig();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        if (commitIntervalMs > 0) {
            settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        }
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(applicationId).toString());
        settings.put(ClientProfile.CONFIG, profile.id());
        return settings;
    }

    /** {@link #streamsSettings} for a plain Kafka Streams app (a ceiling), with the profile applied here. */
    Map<String, Object> plainStreamsSettings(String applicationId) {
        Map<String, Object> settings = streamsSettings(applicationId);
        settings.remove(ClientProfile.CONFIG);
        return profile.applyTo(settings);
    }

    /** Creates topics with the benchmark's partitions and waits for their leaders. */
    void createTopics(List<String> topics) {
        Map<String, Object> config = clientConfig();
        config.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, partitions);
        OrchestratorTopics.ensureTopics(SagalineConfig.of(config), topics);
    }

    /** A read_committed reader positioned at the end of {@code topic}. */
    <V> KafkaConsumer<String, V> tail(String topic, org.apache.kafka.common.serialization.Deserializer<V> values) {
        Map<String, Object> config = clientConfig();
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return AuditTopicReader.tail(topic, config, values);
    }

    /** A reader of the raw bytes at the end of {@code topic}. */
    KafkaConsumer<String, byte[]> tailBytes(String topic) {
        return tail(topic, new ByteArrayDeserializer());
    }

    /** Polls {@code events} and hands each saga that reached a terminal event to {@code finished}. */
    static void pollTerminal(KafkaConsumer<String, SagaEvent> events, Duration wait, Consumer<String> finished) {
        AuditTopicReader.forEachEnd(events.poll(wait), (sagaId, event) -> finished.accept(sagaId));
    }
}
