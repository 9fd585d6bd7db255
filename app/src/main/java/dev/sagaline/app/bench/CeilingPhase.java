package dev.sagaline.app.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.HdrHistogram.Histogram;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * One ceiling at one point (partitions, commit interval, profile): its two applications started
 * on fresh topics, then the same load the sagas get: one saga right after both run, warm-up bursts
 * until the rate settles, measured bursts for throughput and, when asked, a fixed rate for latency.
 */
final class CeilingPhase {

    /**
     * What a ceiling reached: its warm-up, the measured bursts, what its commits cost during them
     * ({@link HopCosts}, the coordinator named "coordinator"), and latency when asked.
     */
    record Result(double firstSeconds, Settling.WarmUp warmUp, SagaLoad.Bursts bursts, Map<String, Double> burstHopCosts, Histogram latency) {

        /** The median of the measured bursts. */
        double throughput() {
            return bursts.throughput();
        }
    }

    private final BenchCluster cluster;
    private final BenchSettings settings;
    private final PrintStream out;

    CeilingPhase(BenchCluster cluster, BenchSettings settings, PrintStream out) {
        this.cluster = cluster;
        this.settings = settings;
        this.out = out;
    }

    /**
     * @param name names the phase's topics and applications
     * @param request the start record every saga gets
     * @param audit the audit record the {@link CeilingTopology.Shape#AUDITED audited} shape writes
     * @param latencyRate sagas per second for the latency figure; 0 for none
     */
    Result run(String name, CeilingTopology.Shape shape, byte[] request, byte[] audit, double latencyRate) throws Exception {
        BenchTopics topics = BenchTopics.of(name);
        cluster.createTopics(topics.all());
        List<KafkaStreams> apps = new ArrayList<>();
        try {
            apps.add(streams(CeilingTopology.coordinator(topics, shape, audit), name + "-coordinator"));
            apps.add(streams(CeilingTopology.participant(topics), name + "-participant"));
            try (SagaLoad load = new SagaLoad(cluster, topics.requests(), topics.events(), id -> request,
                    r -> r.headers().lastHeader(CeilingTopology.END_HEADER) != null)) {
                apps.forEach(KafkaStreams::start);
                for (KafkaStreams app : apps) {
                    SagaApps.awaitRunning(app);
                }
                double first = load.one("first").seconds();
                Settling.WarmUp warmUp = load.warmUp("warm", settings.warmUpSagas(), Settling.DEFAULT);
                HopCosts before = HopCosts.of(apps.get(0), apps.get(1));
                SagaLoad.Bursts bursts = load.bursts("burst", BenchSettings.BURSTS_PER_RUN, settings.burstSagas());
                Map<String, Double> burstHopCosts = HopCosts.of(apps.get(0), apps.get(1)).since(before, "coordinator");
                Histogram latency = latencyRate > 0 ? load.paced("paced", latencyRate, settings.latencySeconds()) : null;
                out.printf("  %s ceiling, %d partitions, commit %d ms: first saga %.2f s, warm-up %s, bursts %s%s%n",
                        shape.name().toLowerCase(), cluster.partitions(), cluster.effectiveCommitIntervalMs(), first, warmUp.describe(),
                        bursts.describe(),
                        latency == null ? "" : String.format(", p50 %.0f ms p99 %.0f ms at %.0f/s", latency.getValueAtPercentile(50) / 1000.0,
                                latency.getValueAtPercentile(99) / 1000.0, latencyRate));
                return new Result(first, warmUp, bursts, burstHopCosts, latency);
            }
        } finally {
            apps.forEach(KafkaStreams::close);
        }
    }

    private KafkaStreams streams(Topology topology, String applicationId) {
        Properties props = new Properties();
        props.putAll(cluster.plainStreamsSettings(applicationId));
        return new KafkaStreams(topology, props);
    }
}
