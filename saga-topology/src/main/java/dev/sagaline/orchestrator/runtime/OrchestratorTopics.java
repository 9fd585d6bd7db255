package dev.sagaline.orchestrator.runtime;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.errors.SagalineConfigException;
import dev.sagaline.orchestrator.errors.SagalineException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.sagaline.topics.TopicSetup;
import dev.sagaline.topics.TopicSetupException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Makes sure the orchestrator's topics exist before it starts: creates the missing ones with the
 * configured partitions and replication, checks that the request and reply topics have the same
 * number of partitions (the coordinator joins them by saga id, so they must be co-partitioned),
 * and waits until every partition is ready for writes, by the one topic set-up every Sagaline
 * component shares ({@code dev.sagaline.topics.TopicSetup}).
 */
public final class OrchestratorTopics {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private OrchestratorTopics() {
    }

    /** Every topic the orchestrator running {@code definitions} reads or writes. */
    public static List<String> topics(SagalineConfig config, SagaDefinitions definitions) {
        SagaTopics topics = config.topics();
        Set<String> all = new LinkedHashSet<>(List.of(topics.requests(), topics.replies(), topics.events(), topics.deadLetter()));
        all.addAll(definitions.commandTopics());
        return List.copyOf(all);
    }

    /**
     * Creates the orchestrator's missing topics, checks existing ones and waits for leaders.
     *
     * @throws SagalineConfigException when the request and reply topics are not co-partitioned
     */
    public static void ensure(SagalineConfig config, SagaDefinitions definitions) {
        Map<String, TopicDescription> described = ensureTopics(config, topics(config, definitions));
        int requests = described.get(config.topics().requests()).partitions().size();
        int replies = described.get(config.topics().replies()).partitions().size();
        if (requests != replies) {
            throw new SagalineConfigException("topic " + config.topics().requests() + " (" + SagalineConfig.REQUESTS_TOPIC_CONFIG + ") has "
                    + requests + " partitions but " + config.topics().replies() + " (" + SagalineConfig.REPLIES_TOPIC_CONFIG + ") has " + replies
                    + "; they must be co-partitioned: give them the same number of partitions");
        }
    }

    /**
     * Creates those of {@code wanted} that are missing, with the partitions and replication
     * {@code config} gives, and waits until every partition of every one is ready for writes.
     *
     * @return the topics' descriptions
     */
    public static Map<String, TopicDescription> ensureTopics(SagalineConfig config, Collection<String> wanted) {
        try (Admin admin = Admin.create(adminProperties(config))) {
            return TopicSetup.ensure(admin, wanted, config.getInt(SagalineConfig.TOPIC_PARTITIONS_CONFIG),
                    config.getShort(SagalineConfig.TOPIC_REPLICATION_FACTOR_CONFIG), READY_TIMEOUT);
        } catch (TopicSetupException e) {
            throw new SagalineException(e.getMessage(), e);
        }
    }

    private static Map<String, Object> adminProperties(SagalineConfig config) {
        Set<String> known = AdminClientConfig.configNames();
        Map<String, Object> props = new java.util.HashMap<>();
        config.streamsProperties().forEach((k, v) -> {
            if (known.contains(k)) {
                props.put(k, v);
            }
        });
        return props;
    }
}
