package dev.sagaline.app.bench;

import dev.sagaline.topics.ClientProfile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's entry point for the command line: runs every phase, prints the table and writes
 * the figures into the docs.
 */
public final class BenchRun {

    /** The matrix's other partition count and commit interval, beside the main point's. */
    private static final int OTHER_PARTITIONS = 6;
    private static final long OTHER_COMMIT_INTERVAL_MS = 10;

    private final BenchCluster cluster;
    private final BenchSettings settings;

    private BenchRun(BenchCluster cluster, BenchSettings settings) {
        this.cluster = cluster;
        this.settings = settings;
    }

    /**
     * @param clientSettings Kafka client settings every client of the run gets besides {@code bootstrap.servers}
     *                       (security for a secured cluster); empty for a plain one
     * @param commitIntervalMs the main point's commit interval; 0 leaves it to the profile
     * @param matrix whether to measure throughput at 2 and 6 partitions and at the main and a 10 ms commit interval
     *               (only the main point otherwise); under a profile other than the default the commit interval is the profile's
     * @param sagas sagas measured per shape and point, in bursts each run after warm-up bursts of {@code warmUp} uncounted ones
     *              (0: as many as a measured burst) until their rate settles
     * @param scalingSagas sagas per burst of the thread and instance scaling phases; 0 skips them
     * @param recoverySagas sagas in flight in the state and recovery phase; 0 skips it
     */
    public static BenchRun of(String bootstrapServers, Map<String, Object> clientSettings, Path stateDir, String profile, int partitions, long commitIntervalMs,
                              boolean matrix, int sagas, int warmUp, double latencyRate, int latencySeconds, int scalingSagas,
                              int recoverySagas) {
        ClientProfile chosen = ClientProfile.named(profile);
        List<Integer> partitionCounts = new ArrayList<>(List.of(partitions));
        List<Long> commitIntervals = new ArrayList<>(List.of(commitIntervalMs));
        if (matrix && partitions != OTHER_PARTITIONS) {
            partitionCounts.add(OTHER_PARTITIONS);
        }
        if (matrix && commitIntervalMs != OTHER_COMMIT_INTERVAL_MS && (chosen == ClientProfile.DEFAULT || commitIntervalMs > 0)) {
            commitIntervals.add(OTHER_COMMIT_INTERVAL_MS);
        }
        return new BenchRun(new BenchCluster(bootstrapServers, partitions, commitIntervalMs, chosen, stateDir, clientSettings),
                new BenchSettings(sagas, warmUp, latencyRate, latencySeconds, recoverySagas, List.copyOf(partitionCounts),
                        List.copyOf(commitIntervals), scalingSagas));
    }

    /** Runs the benchmark, prints the table and writes the figures; targets are reported, not enforced. */
    public void execute(PrintStream out, Path outputDir) throws Exception {
        long start = System.nanoTime();
        BenchResults results = new Benchmark(cluster, settings, out).run();
        results.settings().put("run time (s)", Math.round((System.nanoTime() - start) / 1e9));
        results.print(out);
        String name = cluster.profile() == ClientProfile.DEFAULT ? "benchmarks" : "benchmarks-" + cluster.profile().id();
        results.write(outputDir, name, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        out.println("Figures written to " + outputDir.resolve(name + ".md") + " and " + outputDir.resolve(name + ".json"));
    }
}
