package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalKafkaException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The KRaft controller of a broker built with {@code separateController()}: its own child JVM,
 * kept running while the broker is killed and restarted, as a production cluster's controllers
 * are. Remembers when the broker was killed, so that a restart can wait for the fencing.
 */
public final class SeparateController {

    /** Beyond the broker session timeout: the controller's stale-broker check runs every 500 ms, later on a busy machine. */
    private static final Duration FENCING_MARGIN = Duration.ofSeconds(2);

    private final Path propertiesFile;
    private final Path outputFile;
    private final int port;
    private final List<String> jvmOptions;
    private final Duration startupTimeout;
    private final long sessionTimeoutMs;

    private ChildBroker process;
    private long brokerKilledAtNanos;

    private SeparateController(Path workDir, int port, List<String> jvmOptions, Duration startupTimeout, Map<String, String> serverProperties) {
        this.propertiesFile = workDir.resolve("controller.properties");
        this.outputFile = workDir.resolve("controller.log");
        this.port = port;
        this.jvmOptions = jvmOptions;
        this.startupTimeout = startupTimeout;
        this.sessionTimeoutMs = Long.parseLong(serverProperties.getOrDefault(ServerProperties.BROKER_SESSION_TIMEOUT_KEY,
                Integer.toString(ServerProperties.BROKER_SESSION_TIMEOUT_MS)));
    }

    /**
     * Writes the broker's and the controller's settings into {@code workDir} and starts the
     * controller; both processes get {@code logDir}'s cluster id, so that each formats its own
     * directory for the same cluster.
     */
    public static SeparateController start(Path workDir, Path brokerPropertiesFile, int brokerPort, int controllerPort, Path logDir,
                                           ClusterSettings settings) {
        List<String> jvmOptions = new ArrayList<>(settings.jvmOptions());
        jvmOptions.add(StorageFormat.clusterIdOption(ClusterIds.of(logDir)));
        SeparateController controller = new SeparateController(workDir, controllerPort, List.copyOf(jvmOptions),
                settings.startupTimeout(), settings.serverProperties());
        ServerProperties.write(ServerProperties.brokerOnly(brokerPort, controllerPort, logDir, settings.serverProperties()),
                brokerPropertiesFile);
        ServerProperties.write(ServerProperties.controllerOnly(brokerPort, controllerPort, dataDirOf(logDir), settings.serverProperties()),
                controller.propertiesFile);
        controller.launch();
        return controller;
    }

    /** The controller's data, beside the broker's so that a kept log directory keeps both. */
    public static Path dataDirOf(Path logDir) {
        return logDir.resolveSibling(logDir.getFileName() + "-controller");
    }

    /** The JVM options of the broker process, which must join the controller's cluster. */
    public List<String> brokerJvmOptions() {
        return jvmOptions;
    }

    /** Starts the controller again if it is not running (after a stop, or if it died), on the same port. */
    public void ensureRunning() {
        if (!process.isAlive()) {
            LoopbackPorts.requireFree(port);
            launch();
        }
    }

    /** Stops the controller cleanly, killing it after {@code timeout}, if it runs. */
    public void stop(Duration timeout) {
        if (process.isAlive()) {
            process.stop(timeout);
        }
    }

    /** Notes that the broker was just killed, for {@link #awaitFenced()}. */
    public void brokerKilled() {
        brokerKilledAtNanos = System.nanoTime();
    }

    /**
     * After a hard kill, waits until the controller has fenced the dead broker: its last heartbeat
     * is then a session timeout old, and the controller's stale-broker check (every 500 ms) has
     * run. A broker process that starts before replays a metadata image in which it still leads
     * every partition; its transaction coordinator resumes the commits that were waiting for their
     * markers, and when the new process registers (fenced at first) its partitions have no leader
     * for a moment. Kafka 4.4's metadata cache answers that moment as it answers for a deleted
     * partition (KAFKA-20734), so the coordinator drops those partitions from the transaction and
     * completes it without their markers: a hanging transaction that read_committed readers cannot
     * pass. Started after the fencing, the broker leads nothing until it is unfenced again.
     */
    public void awaitFenced() {
        if (brokerKilledAtNanos == 0) {
            return;
        }
        long waitNanos = brokerKilledAtNanos + (sessionTimeoutMs + FENCING_MARGIN.toMillis()) * 1_000_000 - System.nanoTime();
        brokerKilledAtNanos = 0;
        if (waitNanos > 0) {
            try {
                Thread.sleep(waitNanos / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalKafkaException("interrupted while waiting for the controller to fence the killed broker", e);
            }
        }
    }

    private void launch() {
        process = ChildBroker.launch(propertiesFile, outputFile, jvmOptions);
        try {
            StartupProbe.awaitListening(process, port, startupTimeout);
        } catch (RuntimeException e) {
            process.killHard();
            throw e;
        }
    }
}
