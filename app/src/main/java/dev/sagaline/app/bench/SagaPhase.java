package dev.sagaline.app.bench;

import dev.sagaline.orchestrator.runtime.SagaEnds;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.participant.Participant;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Real sagas at one point (partitions, commit interval, profile): the orchestrator and the
 * participant service started on fresh topics, then one saga right after both run (the time to the
 * first saga), warm-up bursts until the rate settles, measured bursts for throughput and, when
 * asked, a fixed rate for latency with what each hop's waits cost. The orchestrator can run with
 * more stream threads, or as two instances, the second in a JVM of its own.
 */
final class SagaPhase {

    /** How the orchestrator and the participant run. */
    record Shape(int threads, boolean secondInstance, double latencyRate) {
        static Shape plain() {
            return new Shape(1, false, 0);
        }
    }

    /**
     * What the sagas reached: the first saga, the warm-up, the measured bursts and what the
     * commits cost during them ({@link HopCosts}), and, when asked, latency with the hop costs
     * during it; {@code recordsPerSaga} as {@link RecordsPerSaga#after} gives it for the measured
     * bursts together.
     */
    record Result(SagaLoad.Single first, Settling.WarmUp warmUp, SagaLoad.Bursts bursts, Map<String, Double> burstHopCosts, Histogram latency,
                  Map<String, Double> hopCosts, long finishedBytes, Map<String, Double> recordsPerSaga) {

        /** The median of the measured bursts. */
        double throughput() {
            return bursts.throughput();
        }
    }

    private final BenchCluster cluster;
    private final BenchSettings settings;
    private final ProtocolSerdes serdes;
    private final String registryScope;
    private final Function<String, byte[]> request;
    private final PrintStream out;

    SagaPhase(BenchCluster cluster, BenchSettings settings, ProtocolSerdes serdes, String registryScope,
              Function<String, byte[]> request, PrintStream out) {
        this.cluster = cluster;
        this.settings = settings;
        this.serdes = serdes;
        this.registryScope = registryScope;
        this.request = request;
        this.out = out;
    }

    Result run(String name, Shape shape) throws Exception {
        BenchTopics topics = BenchTopics.of(name);
        SagaApps apps = new SagaApps(cluster, registryScope);
        List<AutoCloseable> running = new ArrayList<>();
        cluster.createTopics(topics.all());
        try (SagaLoad load = new SagaLoad(cluster, topics.requests(), topics.events(), request,
                r -> SagaEnds.finishes(serdes.events().deserializer().deserialize(topics.events(), r.value())))) {
            if (shape.secondInstance()) {
                running.add(OrchestratorJvm.start(cluster, registryScope, name, shape.threads(), cluster.stateDir().resolve(name + ".jvm.log")));
            }
            SagalineApp orchestrator = apps.orchestrator(topics, name, 1, shape.threads());
            running.add(orchestrator);
            Participant participant = apps.participant(topics, name, shape.threads());
            running.add(participant);
            orchestrator.awaitRunning(Duration.ofMinutes(2));
            participant.awaitRunning(Duration.ofMinutes(2));
            for (AutoCloseable app : running) {
                if (app instanceof OrchestratorJvm jvm) {
                    jvm.awaitRunning(Duration.ofMinutes(2));
                }
            }
            SagaApps.awaitRunning(orchestrator.streams());
            SagaLoad.Single first = load.one("first");
            Settling.WarmUp warmUp = load.warmUp("warm", settings.warmUpSagas(), Settling.DEFAULT);
            RecordsPerSaga records = RecordsPerSaga.before(cluster, topics, name, name + "-steps");
            HopCosts beforeBursts = HopCosts.of(orchestrator.streams(), participant.streams());
            SagaLoad.Bursts bursts = load.bursts("burst", BenchSettings.BURSTS_PER_RUN, settings.burstSagas());
            Map<String, Double> burstHopCosts = HopCosts.of(orchestrator.streams(), participant.streams()).since(beforeBursts);
            Map<String, Double> recordsPerSaga = records.after(BenchSettings.BURSTS_PER_RUN * settings.burstSagas(), name + "-");
            out.printf("    records per saga in the measured bursts: %s%n", recordsPerSaga);
            Histogram latency = null;
            Map<String, Double> hopCosts = Map.of();
            if (shape.latencyRate() > 0) {
                HopCosts before = HopCosts.of(orchestrator.streams(), participant.streams());
                latency = load.paced("paced", shape.latencyRate(), settings.latencySeconds());
                hopCosts = HopCosts.of(orchestrator.streams(), participant.streams()).since(before);
            }
            long finishedBytes = shape.secondInstance() ? 0 : StoreFigures.bytesPerSaga(orchestrator, serdes, SagaStatus.COMPLETED);
            out.printf("  sagas, %d partitions, commit %d ms, %d thread(s)%s: first saga %.2f s, warm-up %s, bursts %s%s%n",
                    cluster.partitions(), cluster.effectiveCommitIntervalMs(), shape.threads(), shape.secondInstance() ? ", 2 orchestrator JVMs" : "",
                    first.seconds(), warmUp.describe(), bursts.describe(),
                    latency == null ? "" : String.format(", p50 %.0f ms p99 %.0f ms at %.0f/s", latency.getValueAtPercentile(50) / 1000.0,
                            latency.getValueAtPercentile(99) / 1000.0, shape.latencyRate()));
            out.println("    first saga, ms from the send to each of its audit events and from the last to its reading: " + first.gapsMs());
            return new Result(first, warmUp, bursts, burstHopCosts, latency, hopCosts, finishedBytes, recordsPerSaga);
        } finally {
            for (AutoCloseable app : running) {
                try {
                    app.close();
                } catch (Exception e) {
                    out.println("closing " + app + " failed: " + e);
                }
            }
        }
    }
}
