package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.LocalKafka;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.localpostgres.LocalPostgresExtension;
import dev.sagaline.participant.testsupport.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CDC relay on PostgreSQL's logical replication and the real broker: it publishes committed
 * messages whole, nothing of a rolled-back transaction, keeps each aggregate's order, resumes
 * after a restart without loss, and leaves the table empty behind it.
 */
@Tag("integration")
@LocalKafka(shared = true)
@ExtendWith(LocalPostgresExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CdcRelayIT {

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final LocalPostgres postgres;
    private final LocalKafkaBroker kafka;
    private final PostgresDatabase db;
    private final int run = RUNS.incrementAndGet();
    private final String topic = "cdc-relay-it." + run;
    private final Outbox outbox = new Outbox(OutboxSchema.defaults());

    CdcRelayIT(LocalPostgres postgres, LocalKafkaBroker kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.db = PostgresDatabase.create(postgres);
        kafka.createTopics(Map.of(topic, 1));
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void publishesCommittedMessagesWholeAndNothingOfARolledBackTransaction() throws Exception {
        try (CdcRelay relay = relay().build().start()) {
            assertThat(relay.awaitStreaming(Duration.ofSeconds(60))).isTrue();
            append(message("e-1", "sku-1").withHeader("type", "StockReserved").withHeader("trace-id", "t-7"));
            try (Connection tx = db.transaction()) {
                db.reserve(tx, "r-2", "sku-2", 1);
                outbox.append(tx, message("e-2", "sku-2"));
                tx.rollback();
            }
            append(message("e-3", "sku-3"));
            awaitPublished(2);
        }

        List<ConsumerRecord<String, byte[]>> published = TopicRecords.committed(kafka, topic);
        assertThat(published).extracting(CdcRelayIT::idHeader).containsExactly("e-1", "e-3");
        ConsumerRecord<String, byte[]> first = published.get(0);
        assertThat(first.key()).isEqualTo("sku-1");
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("reserved e-1");
        assertThat(header(first, "type")).isEqualTo("StockReserved");
        assertThat(header(first, "trace-id")).isEqualTo("t-7");
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("sagaline_outbox") == 0);
    }

    @Test
    void publishesTheMessagesAlreadyInTheTableWhenItFirstStarts() throws SQLException {
        append(message("before-1", "sku-1"));
        append(message("before-2", "sku-1"));

        try (CdcRelay relay = relay().build()) {
            relay.start();
            awaitPublished(2);
            append(message("after-1", "sku-1"));
            awaitPublished(3);
        }

        assertThat(ids()).containsExactly("before-1", "before-2", "after-1");
        assertThat(db.count("sagaline_outbox")).isZero();
    }

    @Test
    void publishesTheMessagesFromBeforeTheSlotEvenWhenAnEarlierStartDiedRightAfterCreatingIt() throws SQLException {
        append(message("before-1", "sku-1"));
        // What a relay that died between creating its slot and publishing the older rows leaves behind.
        db.execute("SELECT pg_create_logical_replication_slot('cdc_relay_it_" + run + "', 'pgoutput')");

        try (CdcRelay relay = relay().build()) {
            relay.start();
            awaitPublished(1);
            append(message("after-1", "sku-1"));
            awaitPublished(2);
        }

        assertThat(ids()).containsExactly("before-1", "after-1");
    }

    @Test
    void keepsTheOrderOfEveryAggregateOnAPartitionedTopic() throws SQLException {
        String partitioned = topic + ".partitioned";
        kafka.createTopics(Map.of(partitioned, 3));
        try (CdcRelay relay = relay().build()) {
            relay.start();
            for (int i = 1; i <= 30; i++) {
                String aggregate = "order-" + (i % 5);
                append(OutboxMessage.of(aggregate + ":" + i, partitioned, aggregate, new byte[] {(byte) i}, MutableClock.START));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> TopicRecords.all(kafka, partitioned).size() >= 30);
        }

        Map<String, List<Integer>> sequenceByAggregate = TopicRecords.all(kafka, partitioned).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.mapping(
                        record -> Integer.parseInt(idHeader(record).substring(idHeader(record).indexOf(':') + 1)),
                        Collectors.toList())));
        assertThat(sequenceByAggregate).hasSize(5);
        sequenceByAggregate.forEach((aggregate, sequence) -> assertThat(sequence).as(aggregate).isSorted().hasSize(6));
    }

    @Test
    void resumesAfterARestartWithoutLosingOrRepeatingAMessage() throws SQLException {
        try (CdcRelay relay = relay().build()) {
            relay.start();
            append(message("e-1", "sku-1"));
            awaitPublished(1);
        }
        append(message("e-2", "sku-1"));
        append(message("e-3", "sku-1"));

        try (CdcRelay relay = relay().build()) {
            relay.start();
            awaitPublished(3);
            append(message("e-4", "sku-1"));
            awaitPublished(4);
        }

        assertThat(ids()).containsExactly("e-1", "e-2", "e-3", "e-4");
        assertThat(db.count("sagaline_outbox")).isZero();
    }

    private CdcRelay.Builder relay() {
        return CdcRelay.builder()
                .dataSource(db.dataSource())
                .database(new DatabaseAddress("127.0.0.1", postgres.port(), db.name(), LocalPostgres.USER, ""))
                .producerConfig(kafka.clientConfig())
                .name("cdc-relay-it-" + run)
                .slotName("cdc_relay_it_" + run)
                .publicationName("cdc_relay_it_" + run);
    }

    private void awaitPublished(int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> TopicRecords.committed(kafka, topic).size() >= count);
    }

    private void append(OutboxMessage message) throws SQLException {
        try (Connection tx = db.transaction()) {
            outbox.append(tx, message);
            tx.commit();
        }
    }

    private OutboxMessage message(String id, String key) {
        return OutboxMessage.of(id, topic, key, ("reserved " + id).getBytes(StandardCharsets.UTF_8), MutableClock.START);
    }

    private List<String> ids() {
        return TopicRecords.committed(kafka, topic).stream().map(CdcRelayIT::idHeader).toList();
    }

    private static String idHeader(ConsumerRecord<String, byte[]> record) {
        return header(record, OutboxMessage.ID_HEADER);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
