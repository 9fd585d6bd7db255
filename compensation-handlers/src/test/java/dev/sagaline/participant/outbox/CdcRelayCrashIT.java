package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.LocalKafka;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.localpostgres.LocalPostgresExtension;
import dev.sagaline.participant.testsupport.TopicRecords;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CDC relay's exactly-once promise to consumers that deduplicate by message id, when the
 * relay's JVM is killed after the broker acknowledged messages and before their log position was
 * recorded: the restarted relay publishes them again, and dropping repeated ids leaves every
 * committed message once, in commit order.
 */
@Tag("integration")
@LocalKafka(shared = true)
@ExtendWith(LocalPostgresExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CdcRelayCrashIT {

    private static final String TOPIC = "cdc-relay-crash-it";
    private static final String NAME = "cdc_relay_crash_it";

    private final LocalPostgres postgres;
    private final LocalKafkaBroker kafka;
    private final PostgresDatabase db;
    private final Outbox outbox = new Outbox(OutboxSchema.defaults());

    CdcRelayCrashIT(LocalPostgres postgres, LocalKafkaBroker kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.db = PostgresDatabase.create(postgres);
        kafka.createTopics(Map.of(TOPIC, 1));
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void aRelayKilledBetweenPublishingAndRecordingItsOffsetRepublishesAndDedupingConsumersSeeEachMessageOnce()
            throws Exception {
        List<String> ids = IntStream.rangeClosed(1, 10).mapToObj(i -> "e-" + i).toList();

        Process doomed = startRelayProcess(4);
        for (String id : ids) {
            append(id);
        }
        assertThat(doomed.waitFor(60, TimeUnit.SECONDS)).as("the relay process halted").isTrue();
        assertThat(doomed.exitValue()).as("halted at the fourth acknowledgement").isEqualTo(CdcRelayProcess.HALTED);
        int publishedBeforeTheKill = TopicRecords.committed(kafka, TOPIC).size();
        assertThat(publishedBeforeTheKill).isGreaterThanOrEqualTo(4);

        Process restarted = startRelayProcess(0);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> distinctIds().size() == ids.size() && db.count("sagaline_outbox") == 0);
        } finally {
            stop(restarted);
        }

        List<ConsumerRecord<String, byte[]>> published = TopicRecords.committed(kafka, TOPIC);
        assertThat(published.size()).as("the messages acknowledged before the kill went out again")
                .isGreaterThanOrEqualTo(ids.size() + 4);
        assertThat(distinctIds()).as("what a consumer that drops seen ids handles: each once, in order")
                .containsExactlyElementsOf(ids);
    }

    private Process startRelayProcess(int haltAfter) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CdcRelayProcess.class.getName(),
                Integer.toString(postgres.port()), db.name(), NAME, kafka.bootstrapServers(), Integer.toString(haltAfter))
                .redirectErrorStream(true)
                .start();
        CountDownLatch streaming = new CountDownLatch(1);
        Thread output = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.equals(CdcRelayProcess.STREAMING)) {
                        streaming.countDown();
                    } else if (line.contains("ERROR") || line.contains("WARN")) {
                        System.out.println("[relay process] " + line);
                    }
                }
            } catch (java.io.IOException ignored) {
                // The process was killed; its output ends with it.
            }
        }, "cdc-relay-process-output");
        output.setDaemon(true);
        output.start();
        assertThat(streaming.await(90, TimeUnit.SECONDS)).as("the relay process started streaming").isTrue();
        return process;
    }

    private static void stop(Process process) throws InterruptedException {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.flush();
        } catch (java.io.IOException ignored) {
            // Already gone.
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private LinkedHashSet<String> distinctIds() {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (ConsumerRecord<String, byte[]> record : TopicRecords.committed(kafka, TOPIC)) {
            seen.add(new String(record.headers().lastHeader(OutboxMessage.ID_HEADER).value(), StandardCharsets.UTF_8));
        }
        return seen;
    }

    private void append(String id) throws SQLException {
        try (Connection tx = db.transaction()) {
            outbox.append(tx, OutboxMessage.of(id, TOPIC, "order-1", id.getBytes(StandardCharsets.UTF_8), MutableClock.START));
            tx.commit();
        }
    }
}
