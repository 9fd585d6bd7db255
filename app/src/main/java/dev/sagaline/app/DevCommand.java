package dev.sagaline.app;

import dev.sagaline.app.internals.FileTrees;
import dev.sagaline.app.demo.DevTrickle;
import dev.sagaline.app.demo.OrderDemo;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sagaline dev}: everything on one machine to look at and play with, like a development
 * server: the embedded broker, the orchestrator with its HTTP API and timeline page, the demo's
 * three services, and a trickle of order sagas of which some are declined (compensated) and a few
 * get STUCK on a shipping carrier that is down, so that there is something to find and repair.
 * Runs until Ctrl-C.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run a local development server: embedded broker, orchestrator, HTTP API and timeline page, demo services and a trickle of demo sagas.")
final class DevCommand implements Callable<Integer> {

    @Option(names = "--http-port", defaultValue = "8080", description = "Port of the HTTP API and page (default ${DEFAULT-VALUE}; 0 for any free port).")
    private int httpPort;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the broker's data and the state stores here, so the next run resumes.")
    private Path dataDir;

    @Option(names = "--rate", defaultValue = "2", description = "Demo sagas started per second (default ${DEFAULT-VALUE}; 0 for none).")
    private double rate;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (httpPort < 0 || httpPort > 65_535 || rate < 0) {
            throw new IllegalArgumentException("--http-port (" + httpPort + ") must be 0 to 65535 and --rate (" + rate + ") at least 0");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "sagaline-dev-shutdown"));
        Path stateDir = dataDir != null ? dataDir.resolve("state") : Files.createTempDirectory("sagaline-dev-state");
        try (LocalKafkaBroker broker = EmbeddedBroker.start(dataDir)) {
            Map<String, Object> settings = new HashMap<>();
            settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "sagaline-dev");
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            settings.put(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, OrderDemo.SCHEMA_REGISTRY_URL);
            settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, 2);
            settings.put(SagalineConfig.HTTP_PORT_CONFIG, httpPort);
            // A shipping attempt that keeps failing leaves its saga STUCK after three tries, for an operator to retry.
            settings.put(SagalineConfig.RETRIABLE_MAX_ATTEMPTS_CONFIG, DevTrickle.SHIPPING_ATTEMPTS_BEFORE_STUCK);
            settings.put(SagalineConfig.RETRY_BACKOFF_MS_CONFIG, 500L);
            try (ServedOrchestrator orchestrator = ServedOrchestrator.start(settings, OrderDemo.definitions(), spec.commandLine().getOut());
                 DevTrickle trickle = DevTrickle.start(SagalineConfig.of(settings), stateDir, rate)) {
                orchestrator.app().awaitRunning(Duration.ofMinutes(2));
                spec.commandLine().getOut().printf("%nSagaline dev server ready: open %s  (Ctrl-C to stop)%n", orchestrator.url());
                spec.commandLine().getOut().flush();
                stop.await();
                spec.commandLine().getOut().println("stopping");
            }
        } finally {
            if (dataDir == null) {
                FileTrees.delete(stateDir);
            }
        }
        return 0;
    }

    /** Stops a running dev server, as Ctrl-C does. */
    void stop() {
        stop.countDown();
    }
}
