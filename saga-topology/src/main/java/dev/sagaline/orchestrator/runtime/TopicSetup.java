package dev.sagaline.orchestrator.runtime;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.errors.SagalineConfigException;
import dev.sagaline.orchestrator.errors.SagalineException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes sure the orchestrator's topics exist before it starts: creates the missing ones with the
 * configured partitions and replication, checks that the request and reply topics have the same
 * number of partitions (the coordinator joins them by saga id, so they must be co-partitioned),
 * and waits until every partition has a leader, since producing into a partition that has none
 * yet can leave an idempotent producer retrying.
 */
public final class TopicSetup {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private TopicSetup() {
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
     * {@code config} gives, and waits until every partition of every one has a leader.
     *
     * @return the topics' descriptions
     */
    public static Map<String, TopicDescription> ensureTopics(SagalineConfig config, Collection<String> wanted) {
        try (Admin admin = Admin.create(adminProperties(config))) {
            Set<String> existing = admin.listTopics().names().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            int partitions = config.getInt(SagalineConfig.TOPIC_PARTITIONS_CONFIG);
            short replication = config.getShort(SagalineConfig.TOPIC_REPLICATION_FACTOR_CONFIG);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, replication)).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return awaitLeaders(admin, wanted);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new SagalineException("cannot set up topics " + wanted + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SagalineException("interrupted while setting up topics", e);
        }
    }

    private static Map<String, TopicDescription> awaitLeaders(Admin admin, Collection<String> topics)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            Map<String, TopicDescription> described;
            try {
                described = admin.describeTopics(topics).allTopicNames().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                // A topic just created may not have reached the metadata of the broker asked yet.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
                continue;
            }
            List<String> leaderless = new ArrayList<>();
            described.values().forEach(d -> d.partitions().stream().filter(TopicSetup::leaderless)
                    .forEach(p -> leaderless.add(d.name() + "-" + p.partition())));
            if (leaderless.isEmpty()) {
                return described;
            }
            if (System.nanoTime() > deadline) {
                throw new SagalineException("partitions without a leader after " + READY_TIMEOUT + ": " + leaderless);
            }
            Thread.sleep(50);
        }
    }

    private static boolean leaderless(TopicPartitionInfo partition) {
        return partition.leader() == null || partition.leader().isEmpty();
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
