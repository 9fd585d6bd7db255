package dev.sagaline.orchestrator.it.support;

import dev.sagaline.orchestrator.runtime.SagalineConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/** The settings the real-broker tests give an orchestrator, in its own JVM or in theirs. */
public final class OrchestratorSettings {

    private OrchestratorSettings() {
    }

    /**
     * The settings of an orchestrator whose application id is {@code prefix} and whose topics
     * are {@code prefix.requests}, {@code .replies}, {@code .events} and {@code .dead-letter}, with
     * two partitions each and the in-process registry {@code memory://prefix}.
     */
    public static Map<String, Object> forPrefix(String bootstrapServers, String prefix, Path stateDir) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, 2);
        settings.put(SagalineConfig.REQUESTS_TOPIC_CONFIG, prefix + ".requests");
        settings.put(SagalineConfig.REPLIES_TOPIC_CONFIG, prefix + ".replies");
        settings.put(SagalineConfig.EVENTS_TOPIC_CONFIG, prefix + ".events");
        settings.put(SagalineConfig.DEAD_LETTER_TOPIC_CONFIG, prefix + ".dead-letter");
        settings.put(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "memory://" + prefix);
        return settings;
    }
}
