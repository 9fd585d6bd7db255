package dev.sagaline.app;

import dev.sagaline.app.internals.FileTrees;
import dev.sagaline.app.bench.BenchRun;
import dev.sagaline.localkafka.LocalKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Option(names = "--in-flight", defaultValue = "100000", description = "Sagas in flight for the state and recovery phases (default ${DEFAULT-VALUE}).")
    private int inFlight;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of every topic (default ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--commit-interval-ms", defaultValue = "100", description = "Kafka Streams commit interval of every app (default ${DEFAULT-VALUE}).")
    private long commitIntervalMs;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Run against this cluster instead of the embedded broker.")
    private String bootstrapServers;

    @Option(names = "--output-dir", defaultValue = "src/docs", description = "Where benchmarks.json and benchmarks.md go (default ${DEFAULT-VALUE}).")
    private Path outputDir;

    @Override
    public Integer call() throws Exception {
        LocalKafkaBroker broker = bootstrapServers == null ? EmbeddedBroker.start(null) : null;
        Path stateDir = Files.createTempDirectory("sagaline-bench-state");
        try {
            String servers = broker != null ? broker.bootstrapServers() : bootstrapServers;
            new BenchRun(servers, partitions, commitIntervalMs, stateDir, sagas, latencyRate, latencySeconds, inFlight)
                    .execute(System.out, outputDir);
            return 0;
        } finally {
            if (broker != null) {
                broker.close();
            }
            FileTrees.delete(stateDir);
        }
    }
}
