package dev.sagaline.app.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The load of one phase: start records sent to the request topic, and the record that ends each
 * saga read back, {@code read_committed}, from the topic where sagas end. The same driver times
 * the ceilings and the real sagas, so their figures differ only in what the applications do.
 */
final class SagaLoad implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofMinutes(4);

    private final String requests;
    private final Function<String, byte[]> request;
    private final Predicate<ConsumerRecord<String, byte[]>> ends;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> endings;
    private int sent;

    /**
     * @param request the start record of the saga with the given id
     * @param ends whether a record read from {@code endTopic} ends its saga (its key)
     */
    SagaLoad(BenchCluster cluster, String requests, String endTopic, Function<String, byte[]> request,
             Predicate<ConsumerRecord<String, byte[]>> ends) {
        this.requests = requests;
        this.request = request;
        this.ends = ends;
        Map<String, Object> props = cluster.clientConfig();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.endings = cluster.tailBytes(endTopic);
    }

    /** One saga timed alone: seconds from its send to its end, and the gaps between the records of it on the end topic. */
    record Single(double seconds, List<Long> gapsMs) {
    }

    /**
     * Sends one saga and waits for it to end. The gaps run from the send to the first record of
     * the saga on the end topic, between the timestamps of its records there (the times the
     * coordinator wrote them), and from the last to the moment it was read.
     */
    Single one(String prefix) {
        String id = prefix + "-0";
        List<Long> stamps = new ArrayList<>();
        long sentAtMs = System.currentTimeMillis();
        long start = System.nanoTime();
        send(id);
        producer.flush();
        boolean[] ended = new boolean[1];
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!ended[0] && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : endings.poll(Duration.ofMillis(1))) {
                if (id.equals(record.key())) {
                    stamps.add(record.timestamp());
                    ended[0] |= ends.test(record);
                }
            }
        }
        require(ended[0] ? 1 : 0, 1, prefix);
        long readAtMs = System.currentTimeMillis();
        List<Long> gaps = new ArrayList<>();
        long previous = sentAtMs;
        for (long stamp : stamps) {
            gaps.add(stamp - previous);
            previous = stamp;
        }
        gaps.add(readAtMs - previous);
        return new Single((System.nanoTime() - start) / 1e9, gaps);
    }

    /** Sends {@code count} sagas at once; sagas per second from the first send to the last end. */
    double burst(String prefix, int count) {
        Set<String> ids = new HashSet<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            ids.add(id);
            send(id);
        }
        producer.flush();
        await(ids, prefix);
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Warm-up bursts of {@code each} sagas until {@code rule} says the rate has settled, or its
     * maximum of bursts is reached.
     */
    Settling.WarmUp warmUp(String prefix, int each, Settling rule) {
        List<Double> rates = new ArrayList<>();
        while (!rule.over(rates)) {
            rates.add(burst(prefix + rates.size(), each));
        }
        return new Settling.WarmUp(rates, rule.settled(rates));
    }

    /**
     * Measured bursts: the rate of each, and the processor time it took per saga, of this JVM and
     * of the processes it started, the broker among them ({@link CpuClock}).
     *
     * @param rates sagas per second of each burst
     * @param cpuMsPerSaga milliseconds of CPU per saga of each burst, this JVM's and its children's
     * @param jvmCpuMsPerSaga of it, this JVM's (load, applications, readers)
     */
    record Bursts(List<Double> rates, List<Double> cpuMsPerSaga, List<Double> jvmCpuMsPerSaga) {

        Bursts {
            rates = List.copyOf(rates);
            cpuMsPerSaga = List.copyOf(cpuMsPerSaga);
            jvmCpuMsPerSaga = List.copyOf(jvmCpuMsPerSaga);
        }

        /** The median rate. */
        double throughput() {
            return Settling.median(rates);
        }

        /** How they are printed: each burst's rate and CPU per saga. */
        String describe() {
            return Settling.rounded(rates) + " sagas/s, " + twoDecimals(cpuMsPerSaga) + " ms CPU per saga (of it the bench JVM "
                    + twoDecimals(jvmCpuMsPerSaga) + ")";
        }

        /** These bursts and {@code other}'s together, these first. */
        Bursts and(Bursts other) {
            return new Bursts(joined(rates, other.rates), joined(cpuMsPerSaga, other.cpuMsPerSaga), joined(jvmCpuMsPerSaga, other.jvmCpuMsPerSaga));
        }

        private static List<Double> joined(List<Double> first, List<Double> second) {
            List<Double> all = new ArrayList<>(first);
            all.addAll(second);
            return all;
        }

        private static List<String> twoDecimals(List<Double> values) {
            return values.stream().map(v -> String.format("%.2f", v)).toList();
        }
    }

    /** {@code count} bursts of {@code each} sagas, one after the other. */
    Bursts bursts(String prefix, int count, int each) {
        List<Double> rates = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> jvm = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CpuClock.Used before = CpuClock.now();
            rates.add(burst(prefix + i, each));
            CpuClock.Used after = CpuClock.now();
            cpu.add(after.total().minus(before.total()).toNanos() / 1e6 / each);
            jvm.add(after.jvm().minus(before.jvm()).toNanos() / 1e6 / each);
        }
        return new Bursts(rates, cpu, jvm);
    }

    /** Starts sagas at {@code rate} per second for {@code seconds}; the latency of each, send to end, in microseconds. */
    Histogram paced(String prefix, double rate, int seconds) {
        Histogram micros = new Histogram(3_600_000_000L, 3);
        Map<String, Long> sentAt = new HashMap<>();
        int total = (int) (rate * seconds);
        long start = System.nanoTime();
        int started = 0;
        long deadline = start + Duration.ofSeconds(seconds).plus(PATIENCE).toNanos();
        while ((started < total || !sentAt.isEmpty()) && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            boolean any = false;
            while (started < total && start + (long) (started * 1e9 / rate) <= now) {
                String id = prefix + "-" + started++;
                sentAt.put(id, System.nanoTime());
                send(id);
                any = true;
            }
            if (any) {
                producer.flush();
            }
            poll(Duration.ofMillis(1), id -> {
                Long at = sentAt.remove(id);
                if (at != null) {
                    micros.recordValue(Math.max(1, (System.nanoTime() - at) / 1000));
                }
            });
        }
        require((int) micros.getTotalCount(), total, prefix);
        return micros;
    }

    /** Start records sent so far. */
    int sent() {
        return sent;
    }

    private void send(String id) {
        producer.send(new ProducerRecord<>(requests, id, request.apply(id)));
        sent++;
    }

    private void await(Set<String> ids, String phase) {
        Set<String> open = new HashSet<>(ids);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            poll(Duration.ofMillis(5), open::remove);
        }
        require(ids.size() - open.size(), ids.size(), phase);
    }

    private void poll(Duration wait, java.util.function.Consumer<String> ended) {
        for (ConsumerRecord<String, byte[]> record : endings.poll(wait)) {
            if (ends.test(record)) {
                ended.accept(record.key());
            }
        }
    }

    private static void require(int seen, int expected, String phase) {
        if (seen < expected) {
            throw new IllegalStateException(phase + ": only " + seen + " of " + expected + " sagas ended within " + PATIENCE);
        }
    }

    @Override
    public void close() {
        producer.close();
        endings.close();
    }
}
