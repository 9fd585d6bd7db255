package dev.sagaline.app;

import dev.sagaline.orchestrator.definition.SagaDefinitionLoader;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.errors.SagalineConfigException;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sagaline run}: joins a Kafka cluster as an orchestrator instance and runs until stopped
 * (SIGTERM or Ctrl-C close it cleanly). It never starts a broker on its own: without
 * {@code bootstrap.servers} it stops, unless {@code --embedded-broker} asks for a throwaway local
 * one. The configuration and the saga definitions are checked before anything connects, then the
 * cluster must answer within {@code sagaline.connect.timeout.ms}; every failure up to then is one
 * line naming the key, the file or the address.
 *
 * <p>Settings come from the config file, then {@code SAGALINE_*} environment variables
 * ({@link EnvironmentSettings}), then {@code -D}, each overriding the one before; any value may
 * name a {@code config.providers} variable such as {@code ${env:NAME}} or {@code ${file:PATH:KEY}}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the orchestrator: load saga definitions, create missing topics, process until stopped.",
                "Every Kafka Streams and client setting (security included) passes through from the config file or -D."})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    /** How long the shutdown hook waits for the orchestrator to close before letting the JVM exit. */
    private static final Duration SHUTDOWN_PATIENCE = Duration.ofSeconds(60);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file: bootstrap.servers, application.id, sagaline.* and any Kafka setting.")
    private Path configFile;

    @Option(names = {"-d", "--definitions"}, paramLabel = "DIR", description = "Directory of saga definition YAML files (overrides sagaline.definitions.dir).")
    private Path definitionsDir;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A setting, overriding the config file and the environment.")
    private Map<String, String> overrides = new HashMap<>();

    @Option(names = "--embedded-broker", description = "Start a throwaway local Kafka broker for this run instead of joining a cluster (to try Sagaline out; never for production).")
    private boolean embeddedBrokerWanted;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "With --embedded-broker: keep the broker's data and the state stores here.")
    private Path dataDir;

    @Option(names = "--verbose", description = "On a start-up failure, print the whole stack trace after the one-line message.")
    boolean verbose;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Starts the embedded broker; replaceable by tests in this package. */
    Function<Path, LocalKafkaBroker> embeddedBroker = EmbeddedBroker::start;

    /** The environment {@code SAGALINE_*} settings are read from; replaceable by tests in this package. */
    Map<String, String> environment = System.getenv();

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        try {
            return runUntilStopped();
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Asks a running command to close the orchestrator (and the embedded broker) and return, as
     * SIGTERM does; returns at once. The command may not have started yet: it then stops as soon
     * as the orchestrator has started.
     */
    void stop() {
        stopRequested.countDown();
    }

    private int runUntilStopped() throws IOException, InterruptedException {
        Map<String, Object> appSettings = settings();
        appSettings.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "sagaline");
        Map<String, Object> settings = RunSettings.orchestratorSettings(appSettings);
        // Check everything that can be checked without a cluster before connecting to one.
        SagalineConfig unconnected = SagalineConfig.of(settings);
        checkKafkaSettings(unconnected);
        SagaDefinitions definitions = SagaDefinitionLoader.fromDirectory(RunSettings.definitionsDirectory(appSettings));
        checkClusterChoice(unconnected);
        LocalKafkaBroker broker = null;
        try {
            if (embeddedBrokerWanted) {
                broker = embeddedBroker.apply(dataDir);
                settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
                if (dataDir != null) {
                    settings.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, dataDir.resolve("state").toString());
                }
            }
            SagalineConfig config = SagalineConfig.of(settings);
            ConnectionCheck.awaitCluster(config);
            return runOrchestrator(settings, config, definitions);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** A cluster is named, or the embedded broker asked for; not both, not neither. */
    private void checkClusterChoice(SagalineConfig config) {
        Object servers = config.streamsProperties().get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers != null && embeddedBrokerWanted) {
            throw new SagalineConfigException("--embedded-broker starts a local broker, but bootstrap.servers=" + servers
                    + " names a cluster; drop one of them");
        }
        if (dataDir != null && !embeddedBrokerWanted) {
            throw new SagalineConfigException("--data-dir keeps the embedded broker's data; it needs --embedded-broker");
        }
        if (servers == null && !embeddedBrokerWanted) {
            String near = config.streamsProperties().keySet().stream()
                    .filter(key -> key.toLowerCase(Locale.ROOT).contains("bootstrap")).sorted()
                    .map(key -> " (found '" + key + "': misspelled?)").findFirst().orElse("");
            throw new SagalineConfigException("bootstrap.servers is not set" + near + "; name the Kafka cluster in the config file,"
                    + " with -D bootstrap.servers=HOST:PORT or " + EnvironmentSettings.variable(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + ", or pass --embedded-broker to try Sagaline on a throwaway local broker");
        }
    }

    private int runOrchestrator(Map<String, Object> settings, SagalineConfig config, SagaDefinitions definitions)
            throws InterruptedException, IOException {
        Thread hook = new Thread(this::stopAndAwait, "sagaline-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ServedOrchestrator orchestrator = startOrchestrator(settings, config, definitions);
            try {
                return awaitStop(orchestrator.app());
            } finally {
                orchestrator.close();
                log.info("orchestrator closed");
            }
        } finally {
            removeShutdownHook(hook);
        }
    }

    /** Starts the orchestrator and its HTTP server; a Kafka client that cannot start (SSL, SASL) fails as a connection failure. */
    private ServedOrchestrator startOrchestrator(Map<String, Object> settings, SagalineConfig config, SagaDefinitions definitions)
            throws IOException {
        try {
            return ServedOrchestrator.start(settings, definitions, spec.commandLine().getOut());
        } catch (ConfigException e) {
            throw e;
        } catch (KafkaException e) {
            throw new ClusterUnreachableException("cannot start the orchestrator's Kafka clients for bootstrap.servers="
                    + config.streamsProperties().get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + CauseChain.oneLine(e), e);
        }
    }

    /** Waits for {@link #stop()}; returns the exit code: 0, or 1 when the orchestrator stopped on its own first. */
    private int awaitStop(SagalineApp app) throws InterruptedException {
        while (!stopRequested.await(200, TimeUnit.MILLISECONDS)) {
            KafkaStreams.State state = app.streams().state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                spec.commandLine().getErr().println("sagaline: the orchestrator stopped on its own (state " + state
                        + "); the log above says why");
                return SagalineCli.EXIT_FAILED;
            }
        }
        log.info("stopping the orchestrator");
        return SagalineCli.EXIT_OK;
    }

    /** What the shutdown hook does: ask the command to stop, and hold the JVM until it has. */
    private void stopAndAwait() {
        stop();
        try {
            stopped.await(SHUTDOWN_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting and the hook is what stopped us; nothing to remove.
        }
    }

    private Map<String, Object> settings() throws IOException {
        Map<String, Object> settings = SettingsLayers.read(configFile, environment, overrides);
        if (definitionsDir != null) {
            settings.put(RunSettings.DEFINITIONS_DIR_CONFIG, definitionsDir.toString());
        }
        return settings;
    }

    /**
     * Checks the Kafka Streams and client settings as Kafka Streams will, before a broker is
     * started for them.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the key of a wrong value
     */
    private static void checkKafkaSettings(SagalineConfig config) {
        Map<String, Object> streams = new HashMap<>(config.streamsProperties());
        streams.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        new StreamsConfig(streams);
    }
}
