package dev.sagaline.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics that are missing and waits until they are ready for writes: every partition has
 * a leader in the metadata <em>and</em> that leader answers an offset request. Producing right
 * after a topic is created can otherwise hit NOT_LEADER, which an idempotent producer retries
 * until its delivery timeout; metadata can name a leader before that broker has taken the
 * partition over, so the offset lookup is what says it is ready. The one implementation the
 * orchestrator, the participants, the local broker, the demo and the benchmark use.
 */
public final class TopicSetup {

    private static final long POLL_INTERVAL_MS = 50;

    private TopicSetup() {
    }

    /**
     * Creates those of {@code topics} that are missing, with {@code partitions} and
     * {@code replication}, and waits until all are ready.
     *
     * @return the descriptions of all {@code topics}
     * @throws TopicSetupException naming the topics and the last problem when {@code timeout} passes
     */
    public static Map<String, TopicDescription> ensure(Admin admin, Collection<String> topics, int partitions, short replication,
                                                       Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Set<String> existing = admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t)).distinct()
                    .map(t -> new NewTopic(t, partitions, replication)).toList();
            if (!missing.isEmpty()) {
                create(admin, missing, deadline);
            }
        } catch (ExecutionException e) {
            throw new TopicSetupException("cannot create topics " + topics + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicSetupException("cannot create topics " + topics + ": the cluster did not answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while creating topics " + topics, e);
        }
        return awaitReady(admin, topics, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** Creates {@code topics}, which must be new, and waits until they are ready. */
    public static Map<String, TopicDescription> create(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> names = topics.stream().map(NewTopic::name).toList();
        try {
            create(admin, topics, deadline);
        } catch (ExecutionException e) {
            throw new TopicSetupException("cannot create topics " + names + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicSetupException("cannot create topics " + names + ": the cluster did not answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while creating topics " + names, e);
        }
        return awaitReady(admin, names, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /**
     * Blocks until every partition of {@code topics} has a leader that serves offset requests.
     *
     * @return the topics' descriptions
     * @throws TopicSetupException naming what is still not ready when {@code timeout} passes; a topic
     *     that does not exist yet counts as not ready rather than as an error, since its creation may
     *     not have reached the metadata of the broker asked
     */
    public static Map<String, TopicDescription> awaitReady(Admin admin, Collection<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem;
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(topics).allTopicNames().get(Math.max(1, remainingMs(deadline)), TimeUnit.MILLISECONDS);
                List<String> withoutLeader = withoutLeader(admin, descriptions, Math.max(1, remainingMs(deadline)));
                if (withoutLeader.isEmpty()) {
                    return descriptions;
                }
                lastProblem = "no leader for " + withoutLeader;
            } catch (ExecutionException e) {
                lastProblem = e.getCause().toString();
            } catch (TimeoutException e) {
                lastProblem = "the cluster did not answer";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicSetupException("interrupted while waiting for leaders of " + topics, e);
            }
            if (remainingMs(deadline) == 0) {
                throw new TopicSetupException("topics " + topics + " not ready within " + timeout.toMillis() + " ms: " + lastProblem, null);
            }
            try {
                Thread.sleep(POLL_INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicSetupException("interrupted while waiting for leaders of " + topics, e);
            }
        }
    }

    private static void create(Admin admin, Collection<NewTopic> topics, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            admin.createTopics(topics).all().get(Math.max(1, remainingMs(deadline)), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // another instance created it meanwhile: fine, it is waited for like the others
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static List<String> withoutLeader(Admin admin, Map<String, TopicDescription> descriptions, long timeoutMs)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<String> withoutLeader = new ArrayList<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription description : descriptions.values()) {
            for (TopicPartitionInfo partition : description.partitions()) {
                TopicPartition topicPartition = new TopicPartition(description.name(), partition.partition());
                Node leader = partition.leader();
                if (leader == null || leader.isEmpty()) {
                    withoutLeader.add(topicPartition.toString());
                } else {
                    latest.put(topicPartition, OffsetSpec.latest());
                }
            }
        }
        if (withoutLeader.isEmpty()) {
            admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, timeoutMs)))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        return withoutLeader;
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
