package dev.sagaline.app;

import dev.sagaline.app.internals.FileTrees;
import dev.sagaline.app.bench.BenchRun;
import dev.sagaline.app.bench.InFlightBench;
import dev.sagaline.app.bench.StateAtScaleReport;
import dev.sagaline.app.bench.PatternBench;
import dev.sagaline.app.bench.PatternReport;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localpostgres.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sagaline bench}: measures saga throughput, latency, state size and recovery on the
 * embedded broker (or a given cluster, secured ones with Kafka client settings taken as
 * {@code run} takes them), against the exactly-once ceiling measured in the same run, and writes
 * the figures to the docs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark: bare and audited exactly-once ceilings, saga throughput, latency at a fixed rate, time to the first saga,"
                + " thread and instance scaling, state size, recovery.",
                "Prints a table and writes benchmarks.json and benchmarks.md into the output directory."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "A smaller run: the main point only, fewer sagas, a shorter latency phase.")
    private boolean quick;

    @Option(names = "--profile", defaultValue = "default", description = "sagaline.profile of every app, and the ceilings' settings: default or low-latency (default ${DEFAULT-VALUE}).")
    private String profile;

    @Option(names = "--sagas", description = "Sagas measured per shape and point (default 10000; 2000 with --quick); each shape of a point runs twice with half of them, in 2 bursts each.")
    private Integer sagas;

    @Option(names = "--warm-up", description = "Sagas per uncounted warm-up burst (default: as many as a measured burst); warm-up bursts run until two successive ones are within 20%% (at most 6).")
    private Integer warmUp;

    @Option(names = "--latency-rate", defaultValue = "200", description = "Sagas per second in the latency phase (default ${DEFAULT-VALUE}).")
    private double latencyRate;

    @Option(names = "--latency-seconds", description = "Length of the latency phase (default 20; 6 with --quick), half in each of a shape's two runs.")
    private Integer latencySeconds;

    @Option(names = "--scaling-sagas", description = "Sagas per burst with 1 and 2 threads and 1 and 2 instances; 0 skips it (default 5000; 1000 with --quick).")
    private Integer scalingSagas;

    @Option(names = "--recovery-sagas", description = "Sagas in flight for the state and recovery phase, measured as --in-flight measures it;"
            + " 0 skips it (default 50000; 3000 with --quick).")
    private Integer recoverySagas;

    @Option(names = "--in-flight", defaultValue = "1000000", description = "Given, only the state at scale is measured, with that many sagas in flight"
            + " (default ${DEFAULT-VALUE}): load, bytes per saga, restore after losing the local state, first progress, task start against"
            + " max.poll.interval.ms; its section of benchmarks.md and benchmarks.json is rewritten, the rest kept.")
    private int inFlight;

    @Spec
    private CommandSpec spec;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of every topic at the main point (default ${DEFAULT-VALUE}); the matrix adds 6.")
    private int partitions;

    @Option(names = "--commit-interval-ms", description = "Commit interval at the main point (default 100, or the profile's); the matrix adds 10.")
    private Long commitIntervalMs;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Run against this cluster instead of the embedded broker.")
    private String bootstrapServers;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file of Kafka client settings (security included)"
            + " every client of the benchmark gets, as run takes them; bootstrap.servers there names the cluster; sagaline.* keys are not read.")
    private Path configFile;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A Kafka client setting, overriding the config file and the environment.")
    private Map<String, String> overrides = new HashMap<>();

    /** The environment {@code SAGALINE_KAFKA_*} settings are read from, as by {@code run}; replaceable by tests in this package. */
    Map<String, String> environment = System.getenv();

    @Option(names = "--output-dir", defaultValue = "src/docs", description = "Where benchmarks.json and benchmarks.md go (default ${DEFAULT-VALUE}).")
    private Path outputDir;

    @Option(names = "--patterns", description = "Instead of the saga phases, measure one step carried out five ways (Kafka"
            + " transactions, idempotent consumer, TCC, outbox + CDC, transaction log) on the embedded broker and an embedded"
            + " PostgreSQL, and write patterns.md into the output directory.")
    private boolean patterns;

    @Option(names = "--pattern-burst", defaultValue = "2000", description = "Steps sent at once per pattern for its throughput (default ${DEFAULT-VALUE}).")
    private int patternBurst;

    @Option(names = "--pattern-rate", defaultValue = "50", description = "Steps per second for the patterns' latency (default ${DEFAULT-VALUE}).")
    private double patternRate;

    @Option(names = "--pattern-paced", defaultValue = "1000", description = "Steps sent at that rate per pattern (default ${DEFAULT-VALUE}).")
    private int patternPaced;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> client = clientSettings();
        if (patterns) {
            if (!client.isEmpty()) {
                throw new IllegalArgumentException("--patterns runs its own plain clients; it takes no client settings (-c, -D, SAGALINE_KAFKA_*): "
                        + client.keySet());
            }
            return measurePatterns();
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--in-flight")) {
            return measureStateAtScale(client);
        }
        return onCluster("sagaline-bench-state", client, (servers, stateDir) -> {
            BenchRun.of(servers, client, stateDir, profile, partitions, commitMs(), !quick, pick(sagas, 10_000, 2_000), warmUp == null ? 0 : warmUp,
                    latencyRate, pick(latencySeconds, 20, 6), pick(scalingSagas, 5_000, 1_000), pick(recoverySagas, 50_000, 3_000))
                    .execute(System.out, outputDir);
            return 0;
        });
    }

    private int measureStateAtScale(Map<String, Object> client) throws Exception {
        return onCluster("sagaline-bench-in-flight", client, (servers, stateDir) -> {
            StateAtScaleReport report = new StateAtScaleReport(new InFlightBench(servers, client, partitions, commitMs(), stateDir, inFlight,
                    System.out).run());
            report.print(System.out);
            report.write(outputDir, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            return 0;
        });
    }

    /** A benchmark run on a cluster, with a state directory of its own. */
    @FunctionalInterface
    private interface OnCluster {
        int run(String bootstrapServers, Path stateDir) throws Exception;
    }

    /**
     * The Kafka client settings given the way {@code run} takes them (config file, {@code SAGALINE_KAFKA_*}, {@code -D}),
     * without the {@code sagaline.*} keys the benchmark does not read; {@code bootstrap.servers} among them names the cluster.
     */
    private Map<String, Object> clientSettings() throws IOException {
        Map<String, Object> client = SettingsLayers.read(configFile, environment, overrides);
        client.keySet().removeIf(key -> key.startsWith("sagaline."));
        return client;
    }

    /**
     * Runs {@code body} on the cluster given by {@code --bootstrap-servers} or the client settings, or else on an embedded
     * broker, and removes the broker and the state directory after it.
     */
    private int onCluster(String stateDirPrefix, Map<String, Object> client, OnCluster body) throws Exception {
        Object given = bootstrapServers != null ? bootstrapServers : client.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        client.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        LocalKafkaBroker broker = given == null ? EmbeddedBroker.start(null) : null;
        Path stateDir = Files.createTempDirectory(stateDirPrefix);
        try {
            return body.run(broker != null ? broker.bootstrapServers() : given.toString(), stateDir);
        } finally {
            if (broker != null) {
                broker.close();
            }
            FileTrees.delete(stateDir);
        }
    }

    /** The commit interval of the main point: given, or 100 ms by default and the profile's under another profile. */
    private long commitMs() {
        return commitIntervalMs != null ? commitIntervalMs : profile.equals("default") ? 100 : 0;
    }

    private int pick(Integer given, int full, int quickValue) {
        return given != null ? given : quick ? quickValue : full;
    }

    private int measurePatterns() throws Exception {
        if (patternBurst < 1 || patternRate <= 0 || patternPaced < 1) {
            throw new IllegalArgumentException("--pattern-burst (" + patternBurst + "), --pattern-rate (" + patternRate
                    + ") and --pattern-paced (" + patternPaced + ") must be positive");
        }
        LocalKafkaBroker broker = bootstrapServers == null ? EmbeddedBroker.start(null) : null;
        Path stateDir = Files.createTempDirectory("sagaline-bench-patterns");
        try (LocalPostgres postgres = LocalPostgres.builder().build().start()) {
            String servers = broker != null ? broker.bootstrapServers() : bootstrapServers;
            List<PatternBench.Figures> figures = new PatternBench(servers, postgres, stateDir, System.out, patternBurst, patternRate,
                    patternPaced).run();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("cores", Runtime.getRuntime().availableProcessors());
            settings.put("partitions per topic", 2);
            settings.put("steps per burst (throughput)", patternBurst);
            settings.put("fixed rate (steps/s, latency)", patternRate);
            settings.put("steps at the fixed rate", patternPaced);
            settings.put("PostgreSQL", "embedded, fsync off");
            PatternReport report = new PatternReport(settings, figures);
            report.print(System.out);
            report.write(outputDir, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            return 0;
        } finally {
            if (broker != null) {
                broker.close();
            }
            FileTrees.delete(stateDir);
        }
    }
}
