package dev.sagaline.localkafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits until freshly created topics can take writes. {@code createTopics} returns once the
 * controller has recorded a topic, but the broker may still answer NOT_LEADER_OR_FOLLOWER for a
 * moment, and an idempotent producer that starts in that window can keep retrying. Works with any
 * {@link Admin}, not only one pointed at a {@link LocalKafkaBroker}.
 */
public final class TopicReadiness {

    private static final long POLL_INTERVAL_MS = 50;

    private TopicReadiness() {
    }

    /**
     * Blocks until every partition of {@code topics} has a leader that serves offset requests.
     *
     * @throws LocalKafkaException naming the partitions still without a leader when {@code timeout}
     *     passes; a topic that does not exist counts as not ready rather than as an error, since
     *     its creation may not have reached this broker's metadata yet
     */
    public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem;
        while (true) {
            try {
                List<String> withoutLeader = partitionsWithoutLeader(admin, topics, remainingMs(deadline));
                if (withoutLeader.isEmpty()) {
                    return;
                }
                lastProblem = "no leader for " + withoutLeader;
            } catch (ExecutionException e) {
                lastProblem = e.getCause().toString();
            } catch (TimeoutException e) {
                lastProblem = "the broker did not answer";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalKafkaException("interrupted while waiting for leaders of " + topics, e);
            }
            if (remainingMs(deadline) == 0) {
                throw new LocalKafkaException(
                        "topics " + topics + " not ready within " + timeout.toMillis() + " ms: " + lastProblem);
            }
            sleep(POLL_INTERVAL_MS, topics);
        }
    }

    private static List<String> partitionsWithoutLeader(Admin admin, Collection<String> topics, long timeoutMs)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(topics).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
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
            // Metadata can name a leader before that broker has taken over the partition; an
            // offset lookup is answered only by a replica that really leads it.
            admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs((int) Math.max(1, timeoutMs)))
                    .all().get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        return withoutLeader;
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static void sleep(long millis, Collection<String> topics) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("interrupted while waiting for leaders of " + topics, e);
        }
    }
}
