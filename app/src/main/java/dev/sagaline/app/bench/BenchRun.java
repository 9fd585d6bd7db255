package dev.sagaline.app.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The benchmark's entry point for the command line: runs every phase, prints the table and writes
 * the figures into the docs.
 */
public final class BenchRun {

    private final BenchCluster cluster;
    private final BenchSettings settings;

    public BenchRun(String bootstrapServers, int partitions, long commitIntervalMs, Path stateDir, int sagas, double latencyRate,
                    int latencySeconds, int inFlight) {
        this.cluster = new BenchCluster(bootstrapServers, partitions, commitIntervalMs, stateDir);
        this.settings = new BenchSettings(sagas, latencyRate, latencySeconds, inFlight, commitIntervalMs);
    }

    /** Runs the benchmark, prints the table and writes the figures; targets are reported, not enforced. */
    public void execute(PrintStream out, Path outputDir) throws Exception {
        BenchResults results = new Benchmark(cluster, settings, out).run();
        results.print(out);
        results.write(outputDir, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        out.println("Figures written to " + outputDir.resolve("benchmarks.md") + " and " + outputDir.resolve("benchmarks.json"));
    }
}
