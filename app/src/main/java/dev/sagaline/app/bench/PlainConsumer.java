package dev.sagaline.app.bench;

import dev.sagaline.protocol.v1.StepCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A plain consumer on its own thread: handles each polled batch, then commits its offsets. */
final class PlainConsumer implements AutoCloseable {

    /** A batch handler: handles one polled batch of commands. */
    @FunctionalInterface
    interface Batch {
        void handle(List<StepCommand> commands) throws Exception;
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean stopped;

    PlainConsumer(PatternSetup setup, String topic, String name, Batch batch) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, setup.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-patterns-" + setup.runId() + "-" + name,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        thread = new Thread(() -> {
            try {
                while (!stopped) {
                    List<StepCommand> commands = new ArrayList<>();
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        commands.add(setup.serdes().commands().deserialize(topic, record.value()));
                    }
                    if (!commands.isEmpty()) {
                        batch.handle(commands);
                        consumer.commitSync();
                    }
                }
            } catch (WakeupException e) {
                // Closing.
            } catch (Exception e) {
                setup.out().println("  the " + name + " consumer failed: " + e);
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }, "bench-patterns-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
