package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The processes and directories behind one {@code LocalKafkaBroker}: the broker's child JVM, a
 * {@link SeparateController} when asked for, the ports (fixed at the first start) and the
 * lifecycle state. Not thread-safe: the façade serialises every call.
 */
public final class LocalCluster {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Logs under the façade's name, which users' log settings know. */
    private static final Logger LOG = LoggerFactory.getLogger("dev.sagaline.localkafka.LocalKafkaBroker");

    private enum State { NEW, RUNNING, STOPPED, CLOSED }

    private final ClusterSettings settings;
    private final String superUser;

    private State state = State.NEW;
    private Path workDir;
    private Path logDir;
    private int port;
    private int controllerPort;
    private ChildBroker child;
    private BrokerSecurity security;
    private SeparateController controller;

    /** @param superUser the super user of a secured broker */
    public LocalCluster(ClusterSettings settings, String superUser) {
        this.settings = settings;
        this.superUser = superUser;
    }

    /** Resolves the ports and directories, writes the settings and starts the processes; closes everything on failure. */
    public void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("broker already " + state.name().toLowerCase(Locale.ROOT) + "; use restart()");
        }
        try {
            port = LoopbackPorts.resolve(settings.port(), settings.controllerPort());
            controllerPort = LoopbackPorts.resolve(settings.controllerPort(), port);
            workDir = Directories.createTemp("sagaline-kafka-");
            logDir = settings.logDir() != null ? settings.logDir().toAbsolutePath() : workDir.resolve("kafka-logs");
            if (settings.secured()) {
                security = new BrokerSecurity(LocalCertificates.generate(workDir.resolve("tls")), superUser, Passwords.random());
            }
            if (settings.separateController()) {
                controller = SeparateController.start(workDir, propertiesFile(), port, controllerPort, logDir, settings);
            } else {
                ServerProperties.write(ServerProperties.of(port, controllerPort, logDir, settings.serverProperties(), security),
                        propertiesFile());
            }
            launch();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts the broker again on the same log directory and ports; see {@code LocalKafkaBroker#restart()}. */
    public void restart() {
        if (state == State.NEW || state == State.CLOSED) {
            throw new IllegalStateException("cannot restart a broker that is " + state.name().toLowerCase(Locale.ROOT));
        }
        if (controller != null) {
            stopBroker();
            controller.ensureRunning();
            controller.awaitFenced();
        } else {
            stop();
            LoopbackPorts.requireFree(controllerPort);
        }
        LoopbackPorts.requireFree(port);
        launch();
    }

    /** Stops the broker and a separate controller cleanly, killing each after 10 s. */
    public void stop() {
        stopBroker();
        if (controller != null) {
            controller.stop(STOP_TIMEOUT);
        }
    }

    /** SIGKILLs the broker process alone and returns once it is gone. */
    public void killHard() {
        if (state == State.RUNNING) {
            child.killHard();
            if (controller != null) {
                controller.brokerKilled();
            }
            state = State.STOPPED;
            LOG.info("Killed Kafka broker on {} (pid {})", bootstrapServers(), child.pid());
        }
    }

    /** True between a start or restart and the next stop, kill or close, while the broker process lives. */
    public boolean isRunning() {
        return state == State.RUNNING && child.isAlive();
    }

    /** True when the broker was built secured. */
    public boolean isSecured() {
        return settings.secured();
    }

    /** The broker's client port. */
    public int port() {
        requireStarted();
        return port;
    }

    /** {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return ServerProperties.HOST + ":" + port();
    }

    /** Where the broker keeps its data. */
    public Path logDir() {
        requireStarted();
        return logDir;
    }

    /** The TLS material and super user of a secured broker, or null. */
    public BrokerSecurity security() {
        requireStarted();
        return security;
    }

    /** The broker process's last output lines, oldest first. */
    public List<String> lastLogLines() {
        return child == null ? List.of() : child.lastOutputLines(StartupProbe.LOG_LINES_IN_ERRORS);
    }

    /** Stops everything and deletes the directories this cluster created, not a kept log directory. Idempotent. */
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        stop();
        state = State.CLOSED;
        if (logDir != null && !settings.keepLogDir()) {
            Directories.deleteRecursively(logDir);
            if (settings.separateController()) {
                Directories.deleteRecursively(SeparateController.dataDirOf(logDir));
            }
        }
        if (workDir != null) {
            Directories.deleteRecursively(workDir);
        }
    }

    @Override
    public String toString() {
        return "LocalKafkaBroker[" + state + (port == 0 ? "" : ", " + ServerProperties.HOST + ":" + port) + "]";
    }

    private void stopBroker() {
        if (state == State.RUNNING) {
            child.stop(STOP_TIMEOUT);
            state = State.STOPPED;
        }
    }

    private void launch() {
        long startNanos = System.nanoTime();
        List<String> jvmOptions = controller != null ? controller.brokerJvmOptions() : settings.jvmOptions();
        child = ChildBroker.launch(propertiesFile(), workDir.resolve("broker.log"), jvmOptions);
        try {
            StartupProbe.awaitReady(child, port, ClientSettings.of(bootstrapServers(), security), settings.startupTimeout());
        } catch (RuntimeException e) {
            child.killHard();
            state = State.STOPPED;
            throw e;
        }
        state = State.RUNNING;
        LOG.info("Kafka broker started on {}:{} in {} ms (pid {}, log dir {})", ServerProperties.HOST, port,
                (System.nanoTime() - startNanos) / 1_000_000, child.pid(), logDir);
    }

    private Path propertiesFile() {
        return workDir.resolve("server.properties");
    }

    private void requireStarted() {
        if (port == 0) {
            throw new IllegalStateException("broker not started yet: call start() first");
        }
    }
}
