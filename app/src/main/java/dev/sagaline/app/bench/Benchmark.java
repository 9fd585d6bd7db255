package dev.sagaline.app.bench;

import dev.sagaline.demo.Order;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * One benchmark run on one cluster. At every point of the matrix (partitions by commit interval)
 * it measures the bare ceiling, the audited ceiling and the real sagas one after another on fresh
 * topics; at the main point also latency at a fixed rate (sagas and bare ceiling), the time to the
 * first saga, the orchestrator with two stream threads and as two instances, and state and
 * recovery. Every figure it reports is measured in the run; targets are compared, never assumed.
 */
final class Benchmark {

    private final BenchCluster cluster;
    private final BenchSettings settings;
    private final PrintStream out;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);
    private final String registryScope = "sagaline-bench-" + runId;
    private final ProtocolSerdes serdes = new ProtocolSerdes(InMemorySchemaRegistry.scoped(registryScope));
    private final Payloads payloads = Payloads.withRegistry(InMemorySchemaRegistry.scoped(registryScope));
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<BenchResults.Target> targets = new ArrayList<>();
    private SagaPhase.Result mainSagas;

    Benchmark(BenchCluster cluster, BenchSettings settings, PrintStream out) {
        this.cluster = cluster;
        this.settings = settings;
        this.out = out;
    }

    BenchResults run() throws Exception {
        warmUpJvm();
        for (int partitions : settings.partitions()) {
            for (long commitMs : settings.commitIntervalsMs()) {
                point(cluster.at(partitions, commitMs), partitions == cluster.partitions() && commitMs == cluster.commitIntervalMs());
            }
        }
        scaling();
        if (settings.inFlight() > 0) {
            recovery();
        }
        return new BenchResults(used(), figures, targets);
    }

    /**
     * Runs the sagas once at the main point, uncounted, before the first point: every application
     * of the run lives in this JVM, and without it the first runs of a shape measured the JIT
     * compiling Kafka's and Sagaline's code (their bursts two to three times slower than the same
     * shape's later runs). The sagas' applications run every Kafka Streams, producer and consumer
     * path the ceilings run, so the ceilings need no warm-up run of their own.
     */
    private void warmUpJvm() throws Exception {
        out.println("JVM warm-up at the main point, not counted: sagas");
        SagaPhase.Result sagas = sagaPhase(cluster, settings.halved()).run("bench-" + runId + "-jvm-sagas", SagaPhase.Shape.plain());
        figures.put("JVM warm-up before the first point, not counted: sagas (sagas/s, median of the bursts)", Math.round(sagas.throughput()));
    }

    // ---- one point of the matrix ----------------------------------------------------------

    private void point(BenchCluster at, boolean main) throws Exception {
        String label = at.partitions() + " partitions, commit " + at.effectiveCommitIntervalMs() + " ms";
        String prefix = "[" + at.partitions() + "p " + at.effectiveCommitIntervalMs() + "ms] ";
        out.println(label + (main ? " (main point: also latency, time to first saga)" : ""));
        // A shared machine's load moves every figure; the run records it beside them.
        figures.put(prefix + "system load average (1 min) at the start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        double latencyRate = main ? settings.latencyRate() : 0;
        String name = "bench-" + runId + "-" + at.partitions() + "p" + at.effectiveCommitIntervalMs();
        // Each shape runs twice with half the sagas, in the order bare, audited, sagas, sagas,
        // audited, bare: a load that drifts steadily during the point (other work on a shared
        // machine) then weighs on every shape alike instead of on whichever ran last. Each run
        // warms up until its rate settles; the median of the measured bursts is the shape's rate.
        BenchSettings half = settings.halved();
        CeilingPhase ceilings = new CeilingPhase(at, half, out);
        byte[] request = serdes.requests().serialize("requests", startRequest("sample"));
        byte[] audit = serdes.events().serialize("events", sampleEvent());
        CeilingPhase.Result bare1 = ceilings.run(name + "-bare1", CeilingTopology.Shape.BARE, request, null, latencyRate);
        CeilingPhase.Result audited1 = ceilings.run(name + "-audited1", CeilingTopology.Shape.AUDITED, request, audit, 0);
        SagaPhase.Result sagas = sagaPhase(at, half).run(name + "-sagas1", new SagaPhase.Shape(1, false, latencyRate));
        SagaPhase.Result sagas2 = sagaPhase(at, half).run(name + "-sagas2", new SagaPhase.Shape(1, false, latencyRate));
        CeilingPhase.Result audited2 = ceilings.run(name + "-audited2", CeilingTopology.Shape.AUDITED, request, audit, 0);
        CeilingPhase.Result bare2 = ceilings.run(name + "-bare2", CeilingTopology.Shape.BARE, request, null, latencyRate);
        SagaLoad.Bursts bareBursts = bare1.bursts().and(bare2.bursts());
        SagaLoad.Bursts auditedBursts = audited1.bursts().and(audited2.bursts());
        SagaLoad.Bursts sagaBursts = sagas.bursts().and(sagas2.bursts());
        double bare = bareBursts.throughput();
        double audited = auditedBursts.throughput();
        double sagaRate = sagaBursts.throughput();
        figures.put(prefix + "bare ceiling (sagas/s)", bare);
        figures.put(prefix + "audited ceiling (sagas/s)", audited);
        figures.put(prefix + "saga throughput (sagas/s)", sagaRate);
        figures.put(prefix + "measured bursts (sagas/s) of each run: bare, audited, sagas, sagas, audited, bare",
                Stream.of(bare1.bursts(), audited1.bursts(), sagas.bursts(), sagas2.bursts(), audited2.bursts(), bare2.bursts())
                        .map(b -> Settling.rounded(b.rates())).toList());
        figures.put(prefix + "warm-up of each run: bare, audited, sagas, sagas, audited, bare",
                Stream.of(bare1.warmUp(), audited1.warmUp(), sagas.warmUp(), sagas2.warmUp(), audited2.warmUp(), bare2.warmUp())
                        .map(Settling.WarmUp::describe).toList());
        // What a saga costs the machine: with its cores busy, rates go as the inverse of this.
        List<SagaLoad.Bursts> shapes = List.of(bareBursts, auditedBursts, sagaBursts);
        figures.put(prefix + "CPU per saga of the bench JVM and the broker, median of the bursts (ms): bare, audited, sagas",
                shapes.stream().map(b -> rounded(Settling.median(b.cpuMsPerSaga()))).toList());
        figures.put(prefix + "of it the bench JVM's (ms): bare, audited, sagas",
                shapes.stream().map(b -> rounded(Settling.median(b.jvmCpuMsPerSaga()))).toList());
        int cores = Runtime.getRuntime().availableProcessors();
        figures.put(prefix + "share of all cores the bench JVM and the broker used in the bursts: bare, audited, sagas",
                shapes.stream().map(b -> rounded(Settling.median(b.cpuMsPerSaga()) * b.throughput() / 1000 / cores)).toList());
        figures.put(prefix + "commit costs in the bursts, bare ceiling (second run; ms)", roundedValues(bare2.burstHopCosts()));
        figures.put(prefix + "commit costs in the bursts, sagas (second run; ms)", roundedValues(sagas2.burstHopCosts()));
        double ofBare = sagaRate / bare;
        figures.put(prefix + "saga throughput / bare ceiling", ofBare);
        figures.put(prefix + "saga throughput / audited ceiling", sagaRate / audited);
        figures.put(prefix + "records per saga (first sagas burst): topics, orchestrator changelogs, participant changelogs",
                RecordsPerSaga.summary(sagas.recordsPerSaga()));
        targets.add(BenchResults.Target.atLeast("throughput vs bare ceiling, " + label, ">= 70% of the bare ceiling", ofBare, 0.70,
                String.format("%.0f%% (%.0f of %.0f sagas/s)", 100 * ofBare, sagaRate, bare), "%.0f points"));
        if (!main) {
            return;
        }
        double first = Math.max(sagas.first().seconds(), sagas2.first().seconds());
        figures.put(prefix + "time to first saga, the longer of two (s)", first);
        figures.put(prefix + "first saga: ms from its send to each audit event, and to its reading", sagas.first().gapsMs());
        figures.put(prefix + "second first saga: the same", sagas2.first().gapsMs());
        figures.put(prefix + "bare ceiling: time to first saga (s)", bare1.firstSeconds());
        targets.add(BenchResults.Target.atMost("time to first saga, " + label, "<= 1.5 s from every app RUNNING", first, 1.5,
                String.format("%.2f s", first), "%.2f s"));
        figures.put(prefix + "store bytes per finished saga (before purge)", sagas.finishedBytes());
        if (sagas.latency() != null) {
            Histogram sagaLatency = sagas.latency().copy();
            sagaLatency.add(sagas2.latency());
            Histogram bareLatency = bare1.latency().copy();
            bareLatency.add(bare2.latency());
            latency(prefix, label, sagaLatency, bareLatency);
            sagas.hopCosts().forEach((k, v) -> figures.put(prefix + "hop: " + k, v));
        }
        mainSagas = sagas;
    }

    private void latency(String prefix, String label, Histogram sagas, Histogram bare) {
        double p99 = sagas.getValueAtPercentile(99) / 1000.0;
        double bareP99 = bare.getValueAtPercentile(99) / 1000.0;
        figures.put(prefix + "latency p50 (ms)", sagas.getValueAtPercentile(50) / 1000.0);
        figures.put(prefix + "latency p99 (ms)", p99);
        figures.put(prefix + "latency max (ms)", sagas.getMaxValue() / 1000.0);
        figures.put(prefix + "bare ceiling latency p50 (ms)", bare.getValueAtPercentile(50) / 1000.0);
        figures.put(prefix + "bare ceiling latency p99 (ms)", bareP99);
        String rate = String.format("at %.0f sagas/s", settings.latencyRate());
        targets.add(BenchResults.Target.atMost("p99 latency " + rate + ", " + label, "<= 300 ms", p99, 300,
                String.format("%.0f ms", p99), "%.0f ms"));
        targets.add(BenchResults.Target.atMost("p99 vs the bare ceiling's p99 " + rate, "<= 1.2 x", p99 / bareP99, 1.2,
                String.format("%.2f x (%.0f of %.0f ms)", p99 / bareP99, p99, bareP99), "%.2f x"));
    }

    // ---- scaling and recovery at the main point ---------------------------------------------

    private void scaling() throws Exception {
        if (mainSagas == null || settings.scalingSagas() <= 0) {
            return;
        }
        out.println("scaling at the main point: 2 stream threads, then 2 orchestrator instances (separate JVMs)");
        BenchSettings smaller = settings.withSagas(settings.scalingSagas());
        SagaPhase phase = new SagaPhase(cluster, smaller, serdes, registryScope, this::requestBytes, out);
        double one = phase.run("bench-" + runId + "-one", SagaPhase.Shape.plain()).throughput();
        double threads = phase.run("bench-" + runId + "-threads", new SagaPhase.Shape(2, false, 0)).throughput();
        double instances = phase.run("bench-" + runId + "-instances", new SagaPhase.Shape(1, true, 0)).throughput();
        figures.put("scaling: 1 thread, 1 instance (sagas/s)", one);
        figures.put("scaling: 2 stream threads (sagas/s)", threads);
        figures.put("scaling: 2 orchestrator instances (sagas/s)", instances);
        figures.put("scaling factor, 2 threads vs 1", threads / one);
        figures.put("scaling factor, 2 instances vs 1", instances / one);
        int cores = Runtime.getRuntime().availableProcessors();
        targets.add(new BenchResults.Target("2 stream threads vs 1", "reported (cores permitting: " + cores + ")",
                String.format("%.2f x", threads / one), true, ""));
        targets.add(new BenchResults.Target("2 orchestrator instances (JVMs) vs 1", "reported (cores permitting: " + cores + ")",
                String.format("%.2f x", instances / one), true, ""));
    }

    private void recovery() throws Exception {
        out.printf("state of %d in-flight sagas, and recovery%n", settings.inFlight());
        InFlightBench.Figures r = new InFlightBench(cluster, settings.inFlight(), out).run();
        long bytes = Math.round(r.changelogBytesPerSaga());
        // Live key and value bytes in the changelogs of all four stores, as `bench --in-flight` reports them.
        figures.put("changelog bytes per in-flight saga (all stores)", bytes);
        figures.put("restore until running (s)", r.restoreSeconds());
        figures.put("restart until sagas progress (s)", r.firstProgressSeconds());
        figures.put("sagas in the store after restart", r.sagasAfterRestart());
        targets.add(BenchResults.Target.atMost("store per in-flight saga", "<= 256 bytes", bytes, 256, bytes + " bytes", "%.0f bytes"));
        targets.add(BenchResults.Target.atMost("progress after restart", "<= 30 s with " + settings.inFlight() + " in flight",
                r.firstProgressSeconds(), 30, String.format("%.1f s", r.firstProgressSeconds()), "%.1f s"));
        long lost = settings.inFlight() - r.sagasAfterRestart();
        targets.add(BenchResults.Target.atMost("sagas lost in the restart", "0", lost, 0, String.valueOf(lost), "%.0f"));
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private SagaPhase sagaPhase(BenchCluster at, BenchSettings with) {
        return new SagaPhase(at, with, serdes, registryScope, this::requestBytes, out);
    }

    private static double rounded(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static Map<String, Double> roundedValues(Map<String, Double> figures) {
        Map<String, Double> rounded = new LinkedHashMap<>();
        figures.forEach((k, v) -> rounded.put(k, rounded(v)));
        return rounded;
    }

    private Map<String, Object> used() {
        Map<String, Object> used = new LinkedHashMap<>();
        used.put("cores", Runtime.getRuntime().availableProcessors());
        used.put("profile (sagaline.profile)", cluster.profile().id());
        used.put("main point", cluster.partitions() + " partitions, commit.interval.ms " + cluster.effectiveCommitIntervalMs());
        used.put("matrix: partitions", settings.partitions());
        used.put("matrix: commit.interval.ms", settings.commitIntervalsMs().stream()
                .map(ms -> ms > 0 ? ms.toString() : cluster.at(1, 0).effectiveCommitIntervalMs() + " (profile)").toList());
        used.put("processing.guarantee", "exactly_once_v2");
        used.put("sagas per shape and point, sagas per measured and per warm-up burst", settings.sagas() + ", "
                + settings.halved().burstSagas() + ", " + settings.halved().warmUpSagas());
        used.put("method", String.format("after an uncounted run of the sagas at the main point (the JVM's warm-up),"
                + " each shape runs twice per point (bare, audited, sagas, sagas, audited, bare), each run on fresh"
                + " topics: warm-up bursts until two successive ones are within %.0f%% of each other (at most %d), then %d measured"
                + " bursts; a shape's rate is the median of its %d measured bursts", 100 * Settling.DEFAULT.tolerance(),
                Settling.DEFAULT.maxBursts(), BenchSettings.BURSTS_PER_RUN, 2 * BenchSettings.BURSTS_PER_RUN));
        used.put("latency rate (sagas/s) and phase (s)", settings.latencyRate() + ", " + settings.latencySeconds());
        used.put("sagas per burst (scaling)", settings.scalingSagas());
        used.put("in-flight sagas (state, recovery)", settings.inFlight());
        used.put("saga shape", "3 compensatable steps on one participant service (trivial handlers), both exactly-once;"
                + " the ceilings run the same two applications' hops");
        return used;
    }

    private byte[] requestBytes(String id) {
        return serdes.requests().serialize("requests", startRequest(id));
    }

    private SagaRequest startRequest(String id) {
        return SagaApps.startRequest(payloads, id);
    }

    private SagaEvent sampleEvent() {
        return SagaEvent.newBuilder().setSagaId("s-0000000").setSagaType("order").setDefinitionVersion(1).setSequence(3)
                .setKind(SagaEventKind.STEP_SUCCEEDED).setFromStatus(SagaStatus.RUNNING).setToStatus(SagaStatus.RUNNING)
                .setStep("reserve").setReason("step reserve replied SUCCEEDED").setTimestampMs(Instant.now()).build();
    }
}
