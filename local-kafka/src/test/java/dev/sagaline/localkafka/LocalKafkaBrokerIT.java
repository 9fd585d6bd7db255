package dev.sagaline.localkafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@LocalKafka
@Tag("integration")
@Timeout(60)
class LocalKafkaBrokerIT {

    private static LocalKafkaBroker brokerGivenToBeforeAll;

    private final LocalKafkaBroker brokerGivenToConstructor;

    LocalKafkaBrokerIT(LocalKafkaBroker broker) {
        this.brokerGivenToConstructor = broker;
    }

    @BeforeAll
    static void createTopics(LocalKafkaBroker broker) {
        brokerGivenToBeforeAll = broker;
        broker.createTopics(Map.of("greetings", 1, "payments", 1));
    }

    @Test
    void injectsOneRunningBrokerIntoConstructorBeforeAllAndTests(LocalKafkaBroker broker) {
        assertThat(broker).isSameAs(brokerGivenToConstructor).isSameAs(brokerGivenToBeforeAll);
        assertThat(broker.isRunning()).isTrue();
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
    }

    @Test
    void producesAndConsumesARecord(LocalKafkaBroker broker) throws Exception {
        try (KafkaProducer<String, String> producer = TestClients.producer(broker)) {
            producer.send(new ProducerRecord<>("greetings", "alice", "hello")).get();
        }

        Map<String, Object> groupConfig = Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "greeters",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestClients.consumer(broker, groupConfig)) {
            consumer.subscribe(List.of("greetings"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                        return !received.isEmpty();
                    });
        }

        assertThat(received).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("alice");
            assertThat(record.value()).isEqualTo("hello");
        });
    }

    @Test
    void readCommittedConsumerSeesOnlyCommittedTransactions(LocalKafkaBroker broker) {
        try (KafkaProducer<String, String> aborting = TestClients.transactionalProducer(broker, "aborting");
             KafkaProducer<String, String> committing = TestClients.transactionalProducer(broker, "committing")) {
            aborting.beginTransaction();
            aborting.send(new ProducerRecord<>("payments", "p-1", "refund-never-happened"));
            aborting.flush();

            committing.beginTransaction();
            committing.send(new ProducerRecord<>("payments", "p-2", "charge"));
            committing.send(new ProducerRecord<>("payments", "p-2", "capture"));
            committing.commitTransaction();

            aborting.abortTransaction();
        }

        // Commit and abort markers are written after commitTransaction() returns, so the last
        // stable offset catches up a moment later.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(TestClients.readAll(broker, "payments", IsolationLevel.READ_COMMITTED))
                        .containsExactly("charge", "capture"));
        assertThat(TestClients.readAll(broker, "payments", IsolationLevel.READ_UNCOMMITTED))
                .contains("refund-never-happened", "charge", "capture");
    }
}
