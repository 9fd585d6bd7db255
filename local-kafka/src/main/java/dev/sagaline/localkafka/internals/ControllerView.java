package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalKafkaException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * What a controller running in a process of its own knows about the brokers, asked over its own
 * listener ({@code bootstrap.controllers}).
 *
 * <p>Why a restarted broker must wait for its predecessor to be fenced: a broker process that
 * starts while the controller still counts the killed one as alive replays a metadata image in
 * which it leads every partition. Its transaction coordinator resumes the commits that were
 * waiting for their markers and sends them at once; when the new process then registers (fenced
 * at first), its partitions have no leader for a moment, and Kafka 4.4's metadata cache answers
 * "no leader endpoint" as it does for a deleted partition (KAFKA-20734). The coordinator then
 * drops those partitions from the transaction and completes it without writing their markers, a
 * hanging transaction: {@code read_committed} readers stop at its first record.
 */
public final class ControllerView {

    private static final long POLL_MS = 200;

    private ControllerView() {
    }

    /** Waits until the controller on {@code controllerPort} reports broker {@code nodeId} fenced or gone. */
    public static void awaitFenced(int controllerPort, int nodeId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, ServerProperties.HOST + ":" + controllerPort,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000))) {
            while (true) {
                try {
                    boolean alive = admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes()
                            .get(3, TimeUnit.SECONDS).stream().anyMatch(node -> node.id() == nodeId && !node.isFenced());
                    if (!alive) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // The controller is busy or starting: ask again.
                }
                if (System.nanoTime() > deadline) {
                    throw new LocalKafkaException("the controller on port " + controllerPort + " still counts broker " + nodeId
                            + " as alive after " + timeout.toMillis() + " ms");
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("interrupted while waiting for broker " + nodeId + " to be fenced", e);
        }
    }
}
