package dev.sagaline.app;

import dev.sagaline.app.chaos.ChaosReport;
import dev.sagaline.app.chaos.ChaosRun;
import dev.sagaline.app.chaos.ChaosSettings;
import dev.sagaline.app.internals.FileTrees;
import dev.sagaline.localkafka.LocalKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sagaline chaos}: the order saga under fire. Orchestrator instances and the demo's
 * services run as JVMs of their own on the embedded broker; while sagas start at a steady rate, a
 * random one of those processes is killed with SIGKILL and started again every so often, and the
 * broker is killed and restarted on its data. Afterwards every saga must have ended exactly once
 * and consistently with what the services applied; the exit code says whether it did.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Kill orchestrator, participant and broker processes under load, then check that every saga ended exactly once",
                "and that the services' effects match (compensations done, nothing applied twice). Exits 1 when an invariant fails."})
final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--instances", defaultValue = "3", description = "Orchestrator instances (default ${DEFAULT-VALUE}).")
    private int instances;

    @Option(names = "--participants-per-service", defaultValue = "2", description = "Instances of each demo service (default ${DEFAULT-VALUE}).")
    private int participantsPerService;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long sagas are started, e.g. 90s or 10m (default ${DEFAULT-VALUE}).")
    private Duration duration;

    @Option(names = "--rate", defaultValue = "200", description = "Sagas started per second (default ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--kill-every", defaultValue = "20s", converter = DurationConverter.class,
            description = "Time between two kills of a random orchestrator or participant process; 0 for none (default ${DEFAULT-VALUE}).")
    private Duration killEvery;

    @Option(names = "--broker-restarts", defaultValue = "1", description = "Times the broker is killed and started again on its data (default ${DEFAULT-VALUE}).")
    private int brokerRestarts;

    @Option(names = "--seed", defaultValue = "1", description = "Fixes which orders fail and what is killed when (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--standbys", defaultValue = "1", description = "num.standby.replicas of every Kafka Streams application (default ${DEFAULT-VALUE}).")
    private int standbys;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of every topic (default ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--patience", defaultValue = "15m", converter = DurationConverter.class,
            description = "How long to wait for the sagas to end once the load stops (default ${DEFAULT-VALUE}).")
    private Duration patience;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON to this file.")
    private Path json;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Keep the processes' state, logs and the broker's data here"
            + " (default: a temporary directory, deleted afterwards).")
    private Path workDir;

    @Override
    public Integer call() throws Exception {
        ChaosSettings settings = new ChaosSettings(instances, participantsPerService, duration, rate, killEvery, brokerRestarts,
                seed, standbys, partitions, patience);
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("sagaline-chaos");
        LocalKafkaBroker broker = EmbeddedBroker.start(dir, ChaosRun::brokerSettings);
        try {
            System.out.printf("Chaos for %s at %.0f sagas/s: a random process killed every %s, %d broker restarts, seed %d%n",
                    duration, rate, killEvery, brokerRestarts, seed);
            ChaosReport report = new ChaosRun(settings, broker, dir, System.out, System.console() != null).run();
            report.print(System.out);
            if (json != null) {
                report.writeJson(json);
                System.out.println("Wrote " + json);
            }
            return report.passed() ? SagalineCli.EXIT_OK : SagalineCli.EXIT_FAILED;
        } finally {
            broker.close();
            if (workDir == null) {
                FileTrees.delete(dir);
            }
        }
    }

    /** Reads {@code 500ms}, {@code 20s}, {@code 10m} or {@code 1h}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

        private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 20s, 10m or 1h");
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
    }
}
