package dev.sagaline.app.bench;

import dev.sagaline.app.internals.FileTrees;
import dev.sagaline.orchestrator.runtime.SagaTopology;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.participant.Participant;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import dev.sagaline.topics.ClientProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The state at scale: N sagas in flight (each started and waiting on its first step, no
 * participant running), what they take in the stores, and how the orchestrator comes back after
 * losing its local state: stopped, its state directory deleted (as after losing its disk, so
 * everything is restored from the changelogs), participants started, and the orchestrator started
 * again. It measures the load, the bytes per saga (live key and value bytes in the stores'
 * changelogs, and the RocksDB files of a cleanly closed instance), the time until the restarted
 * orchestrator runs and until the first saga makes progress, and the longest gap between the
 * restarted stream thread's polls against {@code max.poll.interval.ms}: a task start that decoded
 * every saga before the first poll would show here.
 */
public final class InFlightBench {

    /** Stores whose changelogs hold the orchestrator's state. */
    private static final List<String> STORES = List.of(SagaTopology.SAGA_STATE_STORE, SagaTopology.INDEX_STORE);
    /** Long enough that no step times out while a million sagas load and restore. */
    private static final Duration STEP_TIMEOUT = Duration.ofHours(2);

    private final BenchCluster cluster;
    private final int inFlight;
    private final PrintStream out;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);
    private final SagaApps apps;
    private final ProtocolSerdes serdes;
    private final Payloads payloads;

    /**
     * @param bootstrapServers the cluster
     * @param clientSettings Kafka client settings every client gets besides {@code bootstrap.servers} (security); may be empty
     * @param partitions partitions of every topic
     * @param commitIntervalMs Kafka Streams' commit interval in every app
     * @param stateDir root of the apps' state directories
     * @param inFlight sagas to hold in flight
     */
    public InFlightBench(String bootstrapServers, Map<String, Object> clientSettings, int partitions, long commitIntervalMs, Path stateDir,
                         int inFlight, PrintStream out) {
        this(new BenchCluster(bootstrapServers, partitions, commitIntervalMs, ClientProfile.DEFAULT, stateDir, clientSettings), inFlight, out);
    }

    /** The measurement on the full benchmark's cluster, so it runs with the same partitions, commit interval and profile. */
    InFlightBench(BenchCluster cluster, int inFlight, PrintStream out) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("--in-flight must be at least 1, not " + inFlight);
        }
        this.cluster = cluster;
        this.inFlight = inFlight;
        this.out = out;
        String registryScope = "sagaline-bench-" + runId;
        this.apps = new SagaApps(cluster, registryScope);
        this.serdes = new ProtocolSerdes(InMemorySchemaRegistry.scoped(registryScope));
        this.payloads = Payloads.withRegistry(InMemorySchemaRegistry.scoped(registryScope));
    }

    /** What one run measured. */
    public record Figures(int inFlight, int partitions, long commitIntervalMs, double loadSeconds, double changelogBytesPerSaga,
                          Map<String, Double> changelogBytesPerSagaByStore, double rocksDbBytesPerSaga, double restoreSeconds,
                          double firstProgressSeconds, double longestPollGapMs, long maxPollIntervalMs, long sagasAfterRestart) {
    }

    /** Runs the measurement; targets are reported by {@link StateAtScaleReport}, not enforced. */
    public Figures run() throws Exception {
        BenchTopics topics = BenchTopics.of("bench-" + runId + "-inflight");
        String appId = "bench-" + runId + "-inflight";
        cluster.createTopics(topics.all());
        List<AutoCloseable> running = new ArrayList<>();
        try {
            out.printf("state at scale: starting %d sagas with no participant running%n", inFlight);
            SagalineApp first = apps.orchestrator(topics, appId, 1, 1, STEP_TIMEOUT);
            first.awaitRunning(Duration.ofMinutes(2));
            double loadSeconds = load(topics, appId);
            out.printf("  %d sagas in flight after %.1f s (%.0f sagas/s)%n", inFlight, loadSeconds, inFlight / loadSeconds);
            first.close();
            Path appState = apps.stateDir(appId, 1);
            double rocksDbBytes = (double) sizeOf(appState) / inFlight;
            Map<String, Double> byStore = changelogBytesPerSaga(appId);
            double changelogBytes = byStore.values().stream().mapToDouble(Double::doubleValue).sum();
            out.printf("  %.0f changelog bytes per saga %s; %.0f bytes of RocksDB files per saga%n", changelogBytes, byStore, rocksDbBytes);

            out.println("  orchestrator stopped, its state directory deleted, participants started; orchestrator starting again");
            FileTrees.delete(appState);
            Participant participant = apps.participant(topics, appId, 1);
            running.add(participant);
            participant.awaitRunning(Duration.ofMinutes(2));
            // read from here: the millions of events the load wrote are not read before the first new one
            KafkaConsumer<String, SagaEvent> events = cluster.tail(topics.events(), serdes.events().deserializer());
            running.add(events);
            long restart = System.nanoTime();
            SagalineApp second = apps.orchestrator(topics, appId, 1, 1, STEP_TIMEOUT);
            running.add(0, second);
            second.awaitRunning(Duration.ofMinutes(10));
            double restoreSeconds = (System.nanoTime() - restart) / 1e9;
            double progressSeconds = firstProgress(events, restart);
            double pollGapMs = longestPollGapMs(second);
            long present = second.queries().localCounts().values().stream()
                    .flatMap(counts -> counts.values().stream()).mapToLong(Long::longValue).sum();
            out.printf("  running again after %.1f s, first saga progressed after %.1f s, longest gap between polls %.0f ms;"
                    + " %d of %d sagas in the store%n", restoreSeconds, progressSeconds, pollGapMs, present, inFlight);
            return new Figures(inFlight, cluster.partitions(), cluster.commitIntervalMs(), loadSeconds, changelogBytes, byStore,
                    rocksDbBytes, restoreSeconds, progressSeconds, pollGapMs, maxPollIntervalMs(), present);
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

    /** Sends the start requests and waits until the orchestrator has committed every one of them; the seconds that took. */
    private double load(BenchTopics topics, String appId) throws Exception {
        long start = System.nanoTime();
        Map<String, Object> props = cluster.clientConfig();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<String, SagaRequest> producer = new KafkaProducer<>(props, new StringSerializer(), serdes.requests().serializer())) {
            for (int i = 0; i < inFlight; i++) {
                String id = "f-" + i;
                producer.send(new ProducerRecord<>(topics.requests(), id, SagaApps.startRequest(payloads, id)));
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).plusMillis(inFlight).toNanos();
        try (Admin admin = Admin.create(cluster.clientConfig())) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < cluster.partitions(); p++) {
                ends.put(new TopicPartition(topics.requests(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(ends).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
                if (end.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue())) {
                    return (System.nanoTime() - start) / 1e9;
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the orchestrator did not read all " + inFlight + " start requests within "
                + Duration.ofNanos(deadline - start));
    }

    /**
     * Live bytes (key and value of the last record of each key) per saga in each store's
     * changelog: what the stores hold, and what a restore after losing the local state reads.
     */
    private Map<String, Double> changelogBytesPerSaga(String appId) {
        Map<String, Object> props = cluster.clientConfig();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        Map<String, Double> perSaga = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (String store : STORES) {
                String changelog = appId + "-" + store + "-changelog";
                List<TopicPartition> partitions = consumer.partitionsFor(changelog).stream()
                        .map(p -> new TopicPartition(changelog, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                Map<Bytes, Integer> live = new HashMap<>();
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.value() == null) {
                            live.remove(Bytes.wrap(record.key()));
                        } else {
                            live.put(Bytes.wrap(record.key()), record.key().length + record.value().length);
                        }
                    }
                }
                perSaga.put(store, live.values().stream().mapToLong(Integer::longValue).sum() / (double) inFlight);
            }
        }
        return perSaga;
    }

    /** Seconds from {@code restart} until the first step succeeded. */
    private double firstProgress(KafkaConsumer<String, SagaEvent> events, long restart) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, SagaEvent> r : events.poll(Duration.ofMillis(20))) {
                if (r.value().getKind() == SagaEventKind.STEP_SUCCEEDED) {
                    return (System.nanoTime() - restart) / 1e9;
                }
            }
        }
        throw new IllegalStateException("no saga progressed within 5 minutes of the restart");
    }

    /** The longest time between two polls of the orchestrator's main consumer in the last metrics windows. */
    private static double longestPollGapMs(SagalineApp app) {
        double longest = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : app.streams().metrics().entrySet()) {
            MetricName name = metric.getKey();
            String client = name.tags().getOrDefault("client-id", "");
            if (name.name().equals("time-between-poll-max") && client.endsWith("-consumer") && !client.contains("restore")
                    && metric.getValue().metricValue() instanceof Double gap && !gap.isNaN()) {
                longest = Math.max(longest, gap);
            }
        }
        return longest;
    }

    private long maxPollIntervalMs() {
        Object configured = new StreamsConfig(cluster.streamsSettings("probe")).getMainConsumerConfigs("probe", "probe", 0)
                .get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        if (configured == null) {
            configured = ConsumerConfig.configDef().defaultValues().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        }
        return Long.parseLong(configured.toString());
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        }
    }

}
