package dev.sagaline.app.chaos;

import dev.sagaline.orchestrator.runtime.SagaEnds;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.schemas.serde.SpecificAvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches the run while it goes on: which sagas have ended (from the committed audit topic), and,
 * for each kill, how long until the work the killed process held moves again. A kill's recovery
 * time runs from the kill until, in the consumer groups of the kind of process killed, every input
 * partition that had records waiting at the kill has committed past where it stood at the kill:
 * the sagas on every partition, the killed process's included, progress again. Partitions with
 * nothing waiting do not count, since nothing on them can be held up.
 *
 * <p>Beside it, {@link Outage#taskMovedAfterMs} times the looser reading: until every task (the
 * input partitions of one partition number) committed past the kill on at least one of its
 * waiting inputs. A task takes its two inputs in timestamp order and a reply carries the time its
 * command was sent, so while the services work through a backlog the replies arriving can be older
 * than the next start request and go first; a requests partition standing still then does not
 * by itself mean its task is stalled. The two figures show how much of a recovery time is that.
 */
final class ProgressWatch implements AutoCloseable {

    private static final Duration CHECK_INTERVAL = Duration.ofMillis(250);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Admin admin;
    private final String eventsTopic;
    private final SpecificAvroSerde<SagaEvent> events;
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final List<Outage> open = new ArrayList<>();
    private final Thread reader;
    private final Thread recoveries;
    private volatile long lastArrivalMs = System.currentTimeMillis();
    private volatile boolean closing;

    /** A stall being timed: from the kill until every partition in {@code waiting} committed past its offset at the kill. */
    static final class Outage {
        final String victim;
        final String kind;
        final long atMs;
        final Map<String, Map<TopicPartition, Long>> waiting;
        volatile Long recoveredAfterMs;
        /** Until every task in {@code waiting} committed past its offset at the kill on one of its partitions. */
        volatile Long taskMovedAfterMs;
        volatile Long restartedAfterMs;

        Outage(String victim, String kind, long atMs, Map<String, Map<TopicPartition, Long>> waiting) {
            this.victim = victim;
            this.kind = kind;
            this.atMs = atMs;
            this.waiting = waiting;
        }
    }

    ProgressWatch(Map<String, Object> client, String eventsTopic, SpecificAvroSerde<SagaEvent> events) {
        this.eventsTopic = eventsTopic;
        this.events = events;
        this.admin = Admin.create(client);
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(eventsTopic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(eventsTopic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.reader = new Thread(this::read, "chaos-audit-reader");
        this.recoveries = new Thread(this::timeRecoveries, "chaos-recovery-timer");
        reader.setDaemon(true);
        recoveries.setDaemon(true);
    }

    ProgressWatch start() {
        reader.start();
        recoveries.start();
        return this;
    }

    /** How many sagas have ended (finished or stuck) so far. */
    int endedCount() {
        return ended.size();
    }

    /** True when every one of {@code sagaIds} has ended. */
    boolean allEnded(Set<String> sagaIds) {
        return ended.containsAll(sagaIds);
    }

    /** Wall-clock time at which the last committed audit event was read. */
    long lastArrivalMs() {
        return lastArrivalMs;
    }

    /**
     * Notes which input partitions of {@code groups} have records waiting and where their groups
     * stand, just before a kill of {@code victim}; call {@link #killed} right after the kill.
     */
    Outage before(String victim, String kind, Map<String, List<String>> inputTopicsByGroup) {
        Map<String, Map<TopicPartition, Long>> waiting = new HashMap<>();
        try {
            for (Map.Entry<String, List<String>> group : inputTopicsByGroup.entrySet()) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (var description : admin.describeTopics(group.getValue()).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                    description.partitions().forEach(p -> latest.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
                }
                var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetAndMetadata> committed = committed(group.getKey());
                Map<TopicPartition, Long> held = new HashMap<>();
                ends.forEach((tp, end) -> {
                    long at = committed.containsKey(tp) ? committed.get(tp).offset() : 0;
                    // Under exactly-once the last offset is often a transaction marker, which a
                    // consumer never commits past: one offset short of the end is nothing waiting.
                    if (end.offset() - 1 > at) {
                        held.put(tp, at);
                    }
                });
                waiting.put(group.getKey(), held);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets before killing " + victim + ": " + e.getMessage(), e);
        }
        return new Outage(victim, kind, System.currentTimeMillis(), waiting);
    }

    /** Starts timing the recovery from the kill {@link #before} prepared. */
    void killed(Outage outage) {
        synchronized (open) {
            open.add(outage);
        }
    }

    private void timeRecoveries() {
        while (!closing) {
            List<Outage> pending;
            synchronized (open) {
                pending = new ArrayList<>(open);
            }
            for (Outage outage : pending) {
                Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committed(outage);
                if (committed == null) {
                    continue;
                }
                long sinceKill = System.currentTimeMillis() - outage.atMs;
                if (outage.recoveredAfterMs == null && movesAgain(outage, committed, true)) {
                    outage.recoveredAfterMs = sinceKill;
                }
                if (outage.taskMovedAfterMs == null && movesAgain(outage, committed, false)) {
                    outage.taskMovedAfterMs = sinceKill;
                }
                if (outage.recoveredAfterMs != null && outage.taskMovedAfterMs != null) {
                    synchronized (open) {
                        open.remove(outage);
                    }
                }
            }
            sleep(CHECK_INTERVAL.toMillis());
        }
    }

    /**
     * True when every task that was waiting at the kill has committed past where it stood then on
     * all its waiting partitions ({@code everyInput}) or on one of them.
     */
    static boolean movesAgain(Outage outage, Map<String, Map<TopicPartition, OffsetAndMetadata>> committed, boolean everyInput) {
        for (Map.Entry<String, Map<TopicPartition, Long>> group : outage.waiting.entrySet()) {
            Map<Integer, Boolean> taskMoved = new HashMap<>();
            for (Map.Entry<TopicPartition, Long> held : group.getValue().entrySet()) {
                OffsetAndMetadata now = committed.get(group.getKey()).get(held.getKey());
                boolean moved = now != null && now.offset() > held.getValue();
                taskMoved.merge(held.getKey().partition(), moved, everyInput ? Boolean::logicalAnd : Boolean::logicalOr);
            }
            if (taskMoved.containsValue(false)) {
                return false;
            }
        }
        return true;
    }

    /** The committed offsets of the groups {@code outage} watches, or null while the broker is down or a group rebalances. */
    private Map<String, Map<TopicPartition, OffsetAndMetadata>> committed(Outage outage) {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        try {
            for (String group : outage.waiting.keySet()) {
                committed.put(group, committed(group));
            }
            return committed;
        } catch (Exception e) {
            return null;
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        return admin.listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
    }

    private void read() {
        while (!closing) {
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            try {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            } catch (WakeupException e) {
                return;
            }
            if (!records.isEmpty()) {
                lastArrivalMs = System.currentTimeMillis();
            }
            for (ConsumerRecord<String, byte[]> record : records) {
                if (record.value() != null && SagaEnds.ends(events.deserializer().deserialize(eventsTopic, record.value()))) {
                    ended.add(record.key());
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            reader.join(5_000);
            recoveries.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        admin.close(Duration.ofSeconds(5));
    }
}
