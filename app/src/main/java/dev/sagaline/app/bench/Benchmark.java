package dev.sagaline.app.bench;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.app.internals.FileTrees;
import dev.sagaline.demo.Order;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.orchestrator.runtime.SagaTopology;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One benchmark run, in five phases on one cluster with one partition count and one commit
 * interval: the exactly-once ceiling, saga throughput, latency at a fixed rate, state size, and
 * recovery. Every figure it reports is measured in the run; targets are compared, never assumed.
 */
final class Benchmark {

    private static final Duration PATIENCE = Duration.ofMinutes(4);

    private final BenchCluster cluster;
    private final BenchSettings settings;
    private final PrintStream out;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scoped("sagaline-bench-" + runId);
    private final ProtocolSerdes serdes = new ProtocolSerdes(registry);
    private final Payloads payloads = Payloads.withRegistry(registry);

    Benchmark(BenchCluster cluster, BenchSettings settings, PrintStream out) {
        this.cluster = cluster;
        this.settings = settings;
        this.out = out;
    }

    BenchResults run() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        double ceiling = ceiling(figures);
        SagaPhaseResult sagas = sagasAndLatency(figures);
        double p99Ms = sagas.p99Ms;
        RecoveryResult recovery = stateAndRecovery(figures);

        long hops = BenchTopics.STEPS.size() + 1L;
        double latencyBudgetMs = 3.0 * settings.commitIntervalMs() * hops;
        List<BenchResults.Target> targets = List.of(
                new BenchResults.Target("saga throughput vs ceiling", ">= 50% of the ceiling",
                        String.format("%.0f%% (%.0f of %.0f sagas/s)", 100 * sagas.throughput / ceiling, sagas.throughput, ceiling),
                        sagas.throughput >= 0.5 * ceiling),
                new BenchResults.Target("p99 latency at the fixed rate", String.format("<= %.0f ms (3 x %d ms x %d hops)", latencyBudgetMs,
                        settings.commitIntervalMs(), hops), String.format("%.0f ms", p99Ms), p99Ms <= latencyBudgetMs),
                new BenchResults.Target("store per in-flight saga", "< 2048 bytes", recovery.inFlightBytes + " bytes", recovery.inFlightBytes < 2048),
                new BenchResults.Target("progress after restart", "<= 30 s with " + settings.inFlight() + " in flight",
                        String.format("%.1f s", recovery.progressSeconds), recovery.progressSeconds <= 30),
                new BenchResults.Target("sagas lost in the restart", "0", String.valueOf(recovery.lost), recovery.lost == 0));
        Map<String, Object> used = new LinkedHashMap<>();
        used.put("cores", Runtime.getRuntime().availableProcessors());
        used.put("partitions per topic", cluster.partitions());
        used.put("commit.interval.ms", settings.commitIntervalMs());
        used.put("processing.guarantee", "exactly_once_v2");
        used.put("sagas (ceiling, throughput)", settings.sagas());
        used.put("latency rate (sagas/s)", sagas.latencyRate);
        used.put("latency phase (s)", settings.latencySeconds());
        used.put("in-flight sagas (state, recovery)", settings.inFlight());
        used.put("saga shape", "3 compensatable steps, trivial exactly-once participants");
        return new BenchResults(used, figures, targets);
    }

    // ---- phase 1: the exactly-once ceiling ----------------------------------------------------

    private double ceiling(Map<String, Object> figures) throws Exception {
        out.println("phase 1/5: exactly-once ceiling (pass-through coordinator and participants)");
        BenchTopics topics = BenchTopics.of("bench-" + runId + "-ceiling");
        cluster.createTopics(topics.all());
        byte[] request = serdes.requests().serialize(topics.requests(), startRequest("sample"));
        byte[] audit = serdes.events().serialize(topics.events(), sampleEvent());
        List<KafkaStreams> apps = new ArrayList<>();
        try {
            apps.add(streams(CeilingTopology.coordinator(topics, audit), "bench-" + runId + "-ceiling-coordinator"));
            for (int i = 0; i < topics.commands().size(); i++) {
                apps.add(streams(CeilingTopology.participant(topics.commands().get(i), topics.replies()), "bench-" + runId + "-ceiling-p" + i));
            }
            apps.forEach(KafkaStreams::start);
            awaitRunning(apps);
            try (KafkaConsumer<String, byte[]> ends = cluster.tailBytes(topics.events());
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(), new StringSerializer(), new ByteArraySerializer())) {
                long start = System.nanoTime();
                for (int i = 0; i < settings.sagas(); i++) {
                    producer.send(new ProducerRecord<>(topics.requests(), "c-" + i, request));
                }
                producer.flush();
                Set<String> done = new HashSet<>();
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (done.size() < settings.sagas() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : ends.poll(Duration.ofMillis(100))) {
                        if (r.headers().lastHeader(CeilingTopology.END_HEADER) != null) {
                            done.add(r.key());
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                requireAll(done.size(), settings.sagas(), "ceiling");
                double rate = settings.sagas() / seconds;
                figures.put("ceiling (sagas/s)", rate);
                out.printf("  %d sagas' records in %.1f s: %.0f sagas/s%n", settings.sagas(), seconds, rate);
                return rate;
            }
        } finally {
            apps.forEach(KafkaStreams::close);
        }
    }

    // ---- phases 2 and 3: saga throughput and latency -----------------------------------------

    private record SagaPhaseResult(double throughput, double p99Ms, double latencyRate) {
    }

    private SagaPhaseResult sagasAndLatency(Map<String, Object> figures) throws Exception {
        out.println("phase 2/5: saga throughput (orchestrator and three participants, exactly-once)");
        BenchTopics topics = BenchTopics.of("bench-" + runId + "-sagas");
        List<AutoCloseable> running = new ArrayList<>();
        try {
            SagalineApp orchestrator = orchestrator(topics, "bench-" + runId + "-sagas");
            running.add(orchestrator);
            running.addAll(participants(topics, "bench-" + runId + "-sagas"));
            orchestrator.awaitRunning(Duration.ofMinutes(2));
            awaitParticipants(running);
            try (KafkaConsumer<String, SagaEvent> events = cluster.tail(topics.events(), serdes.events().deserializer());
                 KafkaProducer<String, SagaRequest> producer = new KafkaProducer<>(producerProps(), new StringSerializer(), serdes.requests().serializer())) {
                long start = System.nanoTime();
                for (int i = 0; i < settings.sagas(); i++) {
                    String id = "s-" + i;
                    producer.send(new ProducerRecord<>(topics.requests(), id, startRequest(id)));
                }
                producer.flush();
                Set<String> done = new HashSet<>();
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (done.size() < settings.sagas() && System.nanoTime() < deadline) {
                    BenchCluster.pollTerminal(events, Duration.ofMillis(100), done::add);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                requireAll(done.size(), settings.sagas(), "saga throughput");
                double throughput = settings.sagas() / seconds;
                figures.put("saga throughput (sagas/s)", throughput);
                out.printf("  %d sagas completed in %.1f s: %.0f sagas/s%n", settings.sagas(), seconds, throughput);

                double rate = settings.latencyRate() > 0 ? settings.latencyRate() : Math.max(1, Math.floor(throughput * 0.25));
                out.printf("phase 3/5: latency at a fixed rate of %.0f sagas/s for %d s%n", rate, settings.latencySeconds());
                Histogram latency = latency(topics, producer, events, rate);
                double p99 = latency.getValueAtPercentile(99) / 1000.0;
                figures.put("latency p50 (ms)", latency.getValueAtPercentile(50) / 1000.0);
                figures.put("latency p99 (ms)", p99);
                figures.put("latency max (ms)", latency.getMaxValue() / 1000.0);
                out.printf("  p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d sagas%n", latency.getValueAtPercentile(50) / 1000.0, p99,
                        latency.getMaxValue() / 1000.0, latency.getTotalCount());
                long finishedBytes = storeBytesPerSaga(orchestrator, SagaStatus.COMPLETED);
                figures.put("store bytes per finished saga (before purge)", finishedBytes);
                return new SagaPhaseResult(throughput, p99, rate);
            }
        } finally {
            closeAll(running);
        }
    }

    private Histogram latency(BenchTopics topics, KafkaProducer<String, SagaRequest> producer, KafkaConsumer<String, SagaEvent> events,
                              double rate) {
        Histogram micros = new Histogram(3_600_000_000L, 3);
        Map<String, Long> sentAt = new HashMap<>();
        int total = (int) (rate * settings.latencySeconds());
        long start = System.nanoTime();
        int sent = 0;
        long deadline = start + Duration.ofSeconds(settings.latencySeconds()).plus(PATIENCE).toNanos();
        while ((sent < total || !sentAt.isEmpty()) && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            while (sent < total && start + (long) (sent * 1e9 / rate) <= now) {
                String id = "l-" + sent;
                sentAt.put(id, System.nanoTime());
                producer.send(new ProducerRecord<>(topics.requests(), id, startRequest(id)));
                sent++;
            }
            producer.flush();
            BenchCluster.pollTerminal(events, Duration.ofMillis(2), id -> {
                Long at = sentAt.remove(id);
                if (at != null) {
                    micros.recordValue((System.nanoTime() - at) / 1000);
                }
            });
        }
        requireAll((int) micros.getTotalCount(), total, "latency");
        return micros;
    }

    // ---- phases 4 and 5: state size and recovery ---------------------------------------------

    private record RecoveryResult(long inFlightBytes, double progressSeconds, long lost) {
    }

    private RecoveryResult stateAndRecovery(Map<String, Object> figures) throws Exception {
        out.printf("phase 4/5: state of %d in-flight sagas%n", settings.inFlight());
        BenchTopics topics = BenchTopics.of("bench-" + runId + "-recovery");
        String appId = "bench-" + runId + "-recovery";
        cluster.createTopics(topics.all());
        List<AutoCloseable> running = new ArrayList<>();
        try (KafkaConsumer<String, SagaEvent> events = cluster.tail(topics.events(), serdes.events().deserializer())) {
            SagalineApp first = orchestrator(topics, appId);
            first.awaitRunning(Duration.ofMinutes(2));
            try (KafkaProducer<String, SagaRequest> producer = new KafkaProducer<>(producerProps(), new StringSerializer(), serdes.requests().serializer())) {
                for (int i = 0; i < settings.inFlight(); i++) {
                    String id = "r-" + i;
                    producer.send(new ProducerRecord<>(topics.requests(), id, startRequest(id)));
                }
                producer.flush();
            }
            Set<String> started = new HashSet<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (started.size() < settings.inFlight() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SagaEvent> r : events.poll(Duration.ofMillis(100))) {
                    if (r.value().getKind() == SagaEventKind.STARTED) {
                        started.add(r.key());
                    }
                }
            }
            requireAll(started.size(), settings.inFlight(), "in-flight sagas");
            long inFlightBytes = storeBytesPerSaga(first, SagaStatus.RUNNING);
            figures.put("store bytes per in-flight saga", inFlightBytes);
            out.printf("  %d bytes of store per in-flight saga%n", inFlightBytes);

            out.println("phase 5/5: recovery: the orchestrator is stopped, its local state deleted (as after losing its disk), and started again");
            first.streams().close(Duration.ZERO);
            first.close();
            FileTrees.delete(cluster.stateDir().resolve(appId));
            running.addAll(participants(topics, appId));
            awaitParticipants(running);
            long restart = System.nanoTime();
            SagalineApp second = orchestrator(topics, appId);
            running.add(0, second);
            second.awaitRunning(Duration.ofMinutes(5));
            double restoreSeconds = (System.nanoTime() - restart) / 1e9;
            double progressSeconds = -1;
            deadline = System.nanoTime() + PATIENCE.toNanos();
            while (progressSeconds < 0 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SagaEvent> r : events.poll(Duration.ofMillis(20))) {
                    if (r.value().getKind() == SagaEventKind.STEP_SUCCEEDED && progressSeconds < 0) {
                        progressSeconds = (System.nanoTime() - restart) / 1e9;
                    }
                }
            }
            long present = countSagas(second);
            long lost = settings.inFlight() - present;
            figures.put("restore until running (s)", restoreSeconds);
            figures.put("restart until sagas progress (s)", progressSeconds);
            figures.put("sagas in the store after restart", present);
            out.printf("  running again after %.1f s, sagas progressing after %.1f s, %d of %d sagas in the store%n",
                    restoreSeconds, progressSeconds, present, settings.inFlight());
            return new RecoveryResult(inFlightBytes, progressSeconds < 0 ? Double.MAX_VALUE : progressSeconds, lost);
        } finally {
            closeAll(running);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private SagalineApp orchestrator(BenchTopics topics, String applicationId) {
        Map<String, Object> settingsMap = cluster.streamsSettings(applicationId);
        settingsMap.put(SagalineConfig.REQUESTS_TOPIC_CONFIG, topics.requests());
        settingsMap.put(SagalineConfig.REPLIES_TOPIC_CONFIG, topics.replies());
        settingsMap.put(SagalineConfig.EVENTS_TOPIC_CONFIG, topics.events());
        settingsMap.put(SagalineConfig.DEAD_LETTER_TOPIC_CONFIG, applicationId + ".dead-letter");
        settingsMap.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, cluster.partitions());
        settingsMap.put(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "memory://sagaline-bench-" + runId);
        settingsMap.put(SagalineConfig.STEP_TIMEOUT_MS_CONFIG, 600_000L);
        // Static membership: a restarted instance takes its partitions back at once instead of
        // waiting for the group to expire the member that stopped without leaving.
        settingsMap.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, applicationId + "-1");
        return SagalineApp.start(SagalineConfig.of(settingsMap), SagaDefinitions.of(definition(topics)));
    }

    private static SagaDefinition definition(BenchTopics topics) {
        SagaDefinition.Builder saga = SagaDefinition.named("order");
        for (int i = 0; i < BenchTopics.STEPS.size(); i++) {
            saga.step(BenchTopics.STEPS.get(i)).on(topics.commands().get(i)).compensatable();
        }
        return saga.build();
    }

    private List<AutoCloseable> participants(BenchTopics topics, String applicationId) {
        List<AutoCloseable> participants = new ArrayList<>();
        for (int i = 0; i < BenchTopics.STEPS.size(); i++) {
            String step = BenchTopics.STEPS.get(i);
            Map<String, Object> props = cluster.streamsSettings(applicationId + "-" + step);
            Participant participant = Participant.builder()
                    .applicationId(applicationId + "-" + step)
                    .bootstrapServers(cluster.bootstrapServers())
                    .commandTopic(topics.commands().get(i))
                    .schemaRegistry(registry)
                    .properties(props)
                    .onDo(step, Order.class, (order, context) -> StepResult.succeeded())
                    .onCompensate(step, Order.class, (order, context) -> StepResult.succeeded())
                    .build();
            participant.start();
            participants.add(participant);
        }
        return participants;
    }

    private static void awaitParticipants(List<AutoCloseable> running) {
        for (AutoCloseable r : running) {
            if (r instanceof Participant p) {
                p.awaitRunning(Duration.ofMinutes(2));
            }
        }
    }

    private SagaRequest startRequest(String id) {
        Order order = new Order(id, "sku-" + (id.hashCode() & 1023), 1, 1999L);
        return SagaRequest.newBuilder().setSagaId(id)
                .setBody(StartSaga.newBuilder().setSagaType("order").setInput(payloads.encode(order)).build()).build();
    }

    private SagaEvent sampleEvent() {
        return SagaEvent.newBuilder().setSagaId("s-0000000").setSagaType("order").setDefinitionVersion(1).setSequence(3)
                .setKind(SagaEventKind.STEP_SUCCEEDED).setFromStatus(SagaStatus.RUNNING).setToStatus(SagaStatus.RUNNING)
                .setStep("reserve").setReason("step reserve replied SUCCEEDED").setTimestampMs(Instant.now()).build();
    }

    /** Logical bytes a saga takes in the stores: its state record and key, and its timer entry. */
    private long storeBytesPerSaga(SagalineApp app, SagaStatus status) {
        ReadOnlyKeyValueStore<String, SagaState> store = app.streams().store(StoreQueryParameters.fromNameAndType(
                SagaTopology.SAGA_STATE_STORE, QueryableStoreTypes.keyValueStore()));
        long bytes = 0;
        long count = 0;
        try (KeyValueIterator<String, SagaState> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, SagaState> entry = all.next();
                if (entry.value.getStatus() != status) {
                    continue;
                }
                bytes += entry.key.getBytes(StandardCharsets.UTF_8).length + serdes.states().serialize("changelog", entry.value).length;
                if (entry.value.getTimerMs() != null) {
                    bytes += Long.BYTES + entry.key.getBytes(StandardCharsets.UTF_8).length;
                }
                count++;
            }
        }
        return count == 0 ? 0 : bytes / count;
    }

    private long countSagas(SagalineApp app) {
        ReadOnlyKeyValueStore<String, SagaState> store = app.streams().store(StoreQueryParameters.fromNameAndType(
                SagaTopology.SAGA_STATE_STORE, QueryableStoreTypes.keyValueStore()));
        long count = 0;
        try (KeyValueIterator<String, SagaState> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    private KafkaStreams streams(Topology topology, String applicationId) {
        Properties props = new Properties();
        props.putAll(cluster.streamsSettings(applicationId));
        return new KafkaStreams(topology, props);
    }

    private static void awaitRunning(List<KafkaStreams> apps) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (KafkaStreams app : apps) {
            while (app.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return props;
    }

    private static void requireAll(int seen, int expected, String phase) {
        if (seen < expected) {
            throw new IllegalStateException(phase + " phase: only " + seen + " of " + expected + " sagas finished within " + PATIENCE);
        }
    }

    private void closeAll(List<AutoCloseable> running) {
        for (AutoCloseable r : running) {
            try {
                r.close();
            } catch (Exception e) {
                out.println("closing " + r + " failed: " + e);
            }
        }
    }
}
