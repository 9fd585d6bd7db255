package dev.sagaline.app;

import dev.sagaline.app.internals.FileTrees;
import dev.sagaline.app.bench.BenchRun;
import dev.sagaline.app.bench.InFlightBench;
import dev.sagaline.app.bench.StateAtScaleReport;
import dev.sagaline.app.bench.PatternBench;
import dev.sagaline.app.bench.PatternReport;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localpostgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sagaline bench}: measures saga throughput, latency, state size and recovery on the
 * embedded broker (or a given cluster), against the exactly-once ceiling measured in the same
 * run, and writes the figures to the docs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark: exactly-once ceiling, saga throughput, latency at a fixed rate, state size, recovery.",
                "Prints a table and writes benchmarks.json and benchmarks.md into the output directory."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--sagas", defaultValue = "30000", description = "Sagas in the ceiling and throughput phases (default ${DEFAULT-VALUE}).")
    private int sagas;

    @Option(names = "--latency-rate", defaultValue = "0", description = "Sagas per second in the latency phase; 0 for a quarter of the measured throughput.")
    private double latencyRate;

    @Option(names = "--latency-seconds", defaultValue = "20", description = "Length of the latency phase (default ${DEFAULT-VALUE}).")
    private int latencySeconds;

    @Option(names = "--in-flight", defaultValue = "100000", description = "Sagas in flight for the state and recovery phases (default ${DEFAULT-VALUE})."
            + " Given explicitly, only the state at scale is measured, with that many sagas in flight: load, bytes per saga, restore"
            + " after losing the local state, first progress, task start against max.poll.interval.ms; its section of benchmarks.md"
            + " and benchmarks.json is rewritten, the rest kept.")
    private int inFlight;

    @Spec
    private CommandSpec spec;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of every topic (default ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--commit-interval-ms", defaultValue = "100", description = "Kafka Streams commit interval of every app (default ${DEFAULT-VALUE}).")
    private long commitIntervalMs;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Run against this cluster instead of the embedded broker.")
    private String bootstrapServers;

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
        if (patterns) {
            return measurePatterns();
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--in-flight")) {
            return measureStateAtScale();
        }
        return onCluster("sagaline-bench-state", (servers, stateDir) -> {
            new BenchRun(servers, partitions, commitIntervalMs, stateDir, sagas, latencyRate, latencySeconds, inFlight)
                    .execute(System.out, outputDir);
            return 0;
        });
    }

    private int measureStateAtScale() throws Exception {
        return onCluster("sagaline-bench-in-flight", (servers, stateDir) -> {
            StateAtScaleReport report = new StateAtScaleReport(new InFlightBench(servers, partitions, commitIntervalMs, stateDir, inFlight,
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

    /** Runs {@code body} on the given cluster or an embedded broker, and removes the broker and the state directory after it. */
    private int onCluster(String stateDirPrefix, OnCluster body) throws Exception {
        LocalKafkaBroker broker = bootstrapServers == null ? EmbeddedBroker.start(null) : null;
        Path stateDir = Files.createTempDirectory(stateDirPrefix);
        try {
            return body.run(broker != null ? broker.bootstrapServers() : bootstrapServers, stateDir);
        } finally {
            if (broker != null) {
                broker.close();
            }
            FileTrees.delete(stateDir);
        }
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
