package dev.sagaline.app;

import dev.sagaline.orchestrator.runtime.SagalineConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * The first thing {@code run} does with a cluster: ask it for its brokers, within
 * {@code sagaline.connect.timeout.ms}. Without this, an unreachable address surfaces only after
 * the clients' own minute-long timeouts, in a message that does not name it.
 */
final class ConnectionCheck {

    private ConnectionCheck() {
    }

    /**
     * Returns once a broker at {@code bootstrap.servers} has answered.
     *
     * @throws ClusterUnreachableException naming the address and the likely cause when none does in time
     * @throws ConfigException when a client setting (an SSL file, a SASL setting) cannot be used; the message names it
     */
    static void awaitCluster(SagalineConfig config) {
        // Settings meant for other clients only draw "unused setting" log lines from the admin client.
        Map<String, Object> admin = config.streamsProperties();
        Object servers = admin.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        Duration timeout = config.connectTimeout();
        String where = "the Kafka cluster at bootstrap.servers=" + servers;
        try (Admin client = Admin.create(admin)) {
            client.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                    .nodes().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(where, timeout, e.getCause(), admin);
        } catch (TimeoutException e) {
            throw failure(where, timeout, e, admin);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnreachableException("interrupted while connecting to " + where, e);
        } catch (ConfigException e) {
            throw e;
        } catch (KafkaException e) {
            throw new ClusterUnreachableException("cannot start a Kafka client for " + where + ": " + CauseChain.oneLine(e), e);
        }
    }

    private static ClusterUnreachableException failure(String where, Duration timeout, Throwable cause, Map<String, Object> admin) {
        if (cause instanceof AuthenticationException) {
            return new ClusterUnreachableException(where + " refused this client: " + CauseChain.oneLine(cause)
                    + "; check the security.protocol, ssl.* and sasl.* settings", cause);
        }
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            Object protocol = admin.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
            return new ClusterUnreachableException("no answer from " + where + " within " + timeout.toMillis() + " ms ("
                    + SagalineConfig.CONNECT_TIMEOUT_MS_CONFIG + "); check the host and port, that the brokers are up and"
                    + " reachable from here, and that security.protocol=" + protocol + " is what that listener speaks", cause);
        }
        return new ClusterUnreachableException("cannot connect to " + where + ": " + CauseChain.oneLine(cause), cause);
    }
}
