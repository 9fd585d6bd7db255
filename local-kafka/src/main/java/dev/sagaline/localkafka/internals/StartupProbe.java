package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalKafkaException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Decides when a starting child broker is usable: it must answer an Admin describeCluster with
 * at least one node. Fails fast, with the broker's last log lines, when the child exits first.
 */
public final class StartupProbe {

    /** How many lines of broker output a failure message carries. */
    public static final int LOG_LINES_IN_ERRORS = 50;

    private static final int ATTEMPT_TIMEOUT_MS = 1_000;
    /** A cold client's TLS handshake and SCRAM exchange can take longer than a plaintext attempt may. */
    private static final int SECURED_ATTEMPT_TIMEOUT_MS = 5_000;
    private static final long POLL_INTERVAL_MS = 50;

    private StartupProbe() {
    }

    /**
     * Blocks until the broker on {@code port} answers a client with {@code clientConfig} (its
     * address and any security settings), or fails with a {@link LocalKafkaException}.
     */
    public static void awaitReady(ChildBroker child, int port, Map<String, Object> clientConfig, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // Plain TCP first: an Admin client pointed at a closed port logs a warning per attempt.
            while (!LoopbackPorts.isListening(port, ATTEMPT_TIMEOUT_MS)) {
                checkProgress(child, port, timeout, deadline);
                Thread.sleep(POLL_INTERVAL_MS);
            }
            int attemptTimeoutMs = clientConfig.containsKey(AdminClientConfig.SECURITY_PROTOCOL_CONFIG)
                    ? SECURED_ATTEMPT_TIMEOUT_MS : ATTEMPT_TIMEOUT_MS;
            try (Admin admin = Admin.create(adminConfig(clientConfig, attemptTimeoutMs))) {
                while (!answersDescribeCluster(admin, attemptTimeoutMs)) {
                    checkProgress(child, port, timeout, deadline);
                    Thread.sleep(POLL_INTERVAL_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("interrupted while waiting for the Kafka broker on port " + port, e);
        }
    }

    /**
     * Blocks until {@code child} accepts connections on {@code port}, for a controller in a
     * process of its own (it answers no broker requests), or fails as {@link #awaitReady} does.
     */
    public static void awaitListening(ChildBroker child, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!LoopbackPorts.isListening(port, ATTEMPT_TIMEOUT_MS)) {
                checkProgress(child, port, timeout, deadline);
                Thread.sleep(POLL_INTERVAL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("interrupted while waiting for the Kafka controller on port " + port, e);
        }
    }

    /** The message of every start-up failure: what happened, then the broker's own last words. */
    public static String withLastLines(String what, List<String> lastLines) {
        StringBuilder message = new StringBuilder(what).append(". Last broker log lines:");
        if (lastLines.isEmpty()) {
            message.append(" (none)");
        }
        lastLines.forEach(line -> message.append(System.lineSeparator()).append("  ").append(line));
        return message.toString();
    }

    private static boolean answersDescribeCluster(Admin admin, int attemptTimeoutMs) throws InterruptedException {
        try {
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(attemptTimeoutMs))
                    .nodes().get(attemptTimeoutMs * 2L, TimeUnit.MILLISECONDS);
            return !nodes.isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private static void checkProgress(ChildBroker child, int port, Duration timeout, long deadline) {
        if (!child.isAlive()) {
            throw new LocalKafkaException(withLastLines(
                    "Kafka broker for port " + port + " exited with code " + child.exitCode() + " during start-up",
                    child.lastOutputLines(LOG_LINES_IN_ERRORS)));
        }
        if (System.nanoTime() - deadline > 0) {
            throw new LocalKafkaException(withLastLines(
                    "Kafka broker on port " + port + " did not answer within " + timeout.toMillis() + " ms",
                    child.lastOutputLines(LOG_LINES_IN_ERRORS)));
        }
    }

    private static Map<String, Object> adminConfig(Map<String, Object> clientConfig, int attemptTimeoutMs) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, attemptTimeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, attemptTimeoutMs);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        return config;
    }
}
