package dev.sagaline.app.bench;

import dev.sagaline.demo.Order;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Sends steps and times them: a step's first command goes out, each reply triggers the next
 * action's command, and the last reply ends the step.
 */
final class StepDriver implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofMinutes(2);
    static final int WARM_UP_STEPS = 500;

    private final PatternSetup setup;

    private final String commandTopic;
    private final String replyTopic;
    private final List<StepAction> actions;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> replies;
    private final Thread listener;
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private volatile Histogram histogram = new Histogram(3_600_000_000L, 3);
    private volatile CountDownLatch finished = new CountDownLatch(0);
    private volatile boolean stopped;
    private int steps;

    StepDriver(PatternSetup setup, String commandTopic, String replyTopic, List<StepAction> actions) {
        this.setup = setup;
        this.producer = setup.idempotentProducer();
        this.commandTopic = commandTopic;
        this.replyTopic = replyTopic;
        this.actions = actions;
        this.replies = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, setup.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = replies.partitionsFor(replyTopic).stream()
                .map(info -> new TopicPartition(replyTopic, info.partition())).toList();
        replies.assign(partitions);
        replies.seekToEnd(partitions);
        partitions.forEach(replies::position);
        listener = new Thread(this::listen, "bench-patterns-replies");
        listener.setDaemon(true);
        listener.start();
    }

    /** Steps not counted, so that class loading, JIT compilation and first connections are behind the measured ones. */
    void warmUp() throws InterruptedException {
        run(WARM_UP_STEPS, 0, false);
    }

    /** Sends {@code count} steps at once; steps per second from the first send to the last reply. */
    double burst(int count) throws InterruptedException {
        long start = System.nanoTime();
        run(count, 0, true);
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** Sends {@code count} steps at {@code perSecond}; their latencies. */
    Histogram paced(int count, double perSecond) throws InterruptedException {
        return run(count, perSecond, true);
    }

    private Histogram run(int count, double perSecond, boolean record) throws InterruptedException {
        Histogram measured = new Histogram(3_600_000_000L, 3);
        histogram = record ? measured : new Histogram(3_600_000_000L, 3);
        finished = new CountDownLatch(count);
        long begin = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (perSecond > 0) {
                long due = begin + (long) (i * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            String sagaId = setup.runId() + "-" + (steps++);
            startedAt.put(sagaId, System.nanoTime());
            send(sagaId, 0);
        }
        producer.flush();
        if (!finished.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(finished.getCount() + " of " + count + " steps got no final reply within "
                    + PATIENCE + " on " + commandTopic);
        }
        return measured;
    }

    private void send(String sagaId, int actionIndex) {
        Order order = new Order(sagaId, "sku-1", 1, 100L);
        StepCommand command = StepCommand.newBuilder()
                .setCommandId(sagaId + "/" + actionIndex)
                .setSagaId(sagaId)
                .setSagaType("bench")
                .setDefinitionVersion(1)
                .setStep("step")
                .setAction(actions.get(actionIndex))
                .setAttempt(1)
                .setInput(setup.payloads().encode(order))
                .setReplyTopic(replyTopic)
                .setIssuedAtMs(Instant.now())
                .setMetadata(Map.of())
                .build();
        producer.send(new ProducerRecord<>(commandTopic, sagaId, setup.serdes().commands().serialize(commandTopic, command)));
    }

    private void listen() {
        try {
            while (!stopped) {
                for (ConsumerRecord<String, byte[]> record : replies.poll(Duration.ofMillis(50))) {
                    StepReply reply = setup.serdes().replies().deserialize(replyTopic, record.value());
                    // Patterns that deliver at least once may answer a command twice; the first answer counts.
                    if (!answered.add(reply.getCommandId())) {
                        continue;
                    }
                    int index = actions.indexOf(reply.getAction());
                    if (index < actions.size() - 1) {
                        send(reply.getSagaId(), index + 1);
                    } else {
                        Long start = startedAt.remove(reply.getSagaId());
                        if (start != null) {
                            histogram.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
                            finished.countDown();
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // Closing.
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        replies.wakeup();
        listener.join(10_000);
        replies.close();
        producer.close();
    }
}
