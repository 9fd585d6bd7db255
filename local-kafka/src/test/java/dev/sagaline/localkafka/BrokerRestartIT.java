package dev.sagaline.localkafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Tag("integration")
@Timeout(90)
class BrokerRestartIT {

    @Test
    void readsBackEveryCommittedRecordAfterAHardKillRightAfterTheCommit(@TempDir Path tempDir) throws Exception {
        Path logDir = tempDir.resolve("kafka");
        List<String> committed = new ArrayList<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().logDir(logDir).keepLogDir(true).separateController(true)
                .build().start()) {
            broker.createTopics(Map.of("ledger", 2));
            String bootstrapServers = broker.bootstrapServers();
            try (KafkaProducer<String, String> producer = TestClients.transactionalProducer(broker, "ledger-writer")) {
                for (int batch = 0; batch < 2; batch++) {
                    producer.beginTransaction();
                    for (int i = 0; i < 50; i++) {
                        String entry = "entry-" + batch + "-" + i;
                        producer.send(new ProducerRecord<>("ledger", Integer.toString(i), entry));
                        committed.add(entry);
                    }
                    producer.commitTransaction();
                }
                // Killed the moment the last commit returns, before its markers are written: the
                // restarted broker must finish them. (A combined broker+controller node often does
                // not; see LocalKafkaBroker.Builder#separateController.)
                broker.killHard();
            }
            assertThat(broker.isRunning()).isFalse();
            broker.restart();
            broker.awaitLeaders(List.of("ledger"), Duration.ofSeconds(30));

            assertThat(broker.bootstrapServers()).isEqualTo(bootstrapServers);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(TestClients.readAll(broker, "ledger", IsolationLevel.READ_COMMITTED))
                            .as(() -> "committed records after the restart; broker log:\n"
                                    + String.join("\n", broker.lastLogLines()))
                            .containsExactlyInAnyOrderElementsOf(committed));
            try (KafkaProducer<String, String> producer = TestClients.producer(broker)) {
                producer.send(new ProducerRecord<>("ledger", "after", "after-restart")).get();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(TestClients.readAll(broker, "ledger", IsolationLevel.READ_COMMITTED))
                            .hasSize(committed.size() + 1));
        }
        assertThat(logDir.resolve("meta.properties")).as("log dir kept on close").exists();
    }
}
