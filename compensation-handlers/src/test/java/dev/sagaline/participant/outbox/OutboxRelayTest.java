package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The relay's rules on one pass at a time, against H2 and a {@link MockProducer}; the real broker,
 * the relay's thread and a crash between send and mark are in {@link OutboxRelayIntegrationTest}.
 */
class OutboxRelayTest {

    private static final String TOPIC = "inventory.events";

    private final H2Database db = H2Database.create();
    private final MutableClock clock = new MutableClock();
    private final Outbox outbox = new Outbox(OutboxSchema.defaults());
    private final RefusingProducer producer = new RefusingProducer();

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void publishesCommittedRowsInSequenceOrderWithTheirIdHeader() throws SQLException {
        appendCommitted("e-1", "e-2", "e-3");

        try (OutboxRelay relay = relay().build()) {
            assertThat(relay.publishPending()).isEqualTo(3);
        }

        assertThat(producer.history()).extracting(OutboxRelayTest::idHeader).containsExactly("e-1", "e-2", "e-3");
        ProducerRecord<String, byte[]> first = producer.history().get(0);
        assertThat(first.topic()).isEqualTo(TOPIC);
        assertThat(first.key()).isEqualTo("key-e-1");
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("value-e-1");
        assertThat(new String(first.headers().lastHeader("type").value(), StandardCharsets.UTF_8)).isEqualTo("StockReserved");
        assertThat(first.timestamp()).isNull();
    }

    @Test
    void marksPublishedRowsAndDoesNotSendThemAgain() throws SQLException {
        appendCommitted("e-1");

        try (OutboxRelay relay = relay().build()) {
            relay.publishPending();
            assertThat(relay.publishPending()).isZero();
        }

        assertThat(producer.history()).hasSize(1);
        assertThat(db.strings("SELECT published_at FROM sagaline_outbox")).singleElement().isNotNull();
    }

    @Test
    void leavesTheRowsOfAnOpenTransactionUntilItCommits() throws SQLException {
        appendCommitted("e-1");
        try (OutboxRelay relay = relay().build(); Connection open = db.transaction()) {
            outbox.append(open, message("e-2"));

            assertThat(relay.publishPending()).isEqualTo(1);
            open.commit();
            assertThat(relay.publishPending()).isEqualTo(1);
        }

        assertThat(producer.history()).extracting(OutboxRelayTest::idHeader).containsExactly("e-1", "e-2");
    }

    @Test
    void publishesAtMostOneBatchPerPass() throws SQLException {
        appendCommitted(IntStream.rangeClosed(1, 5).mapToObj(i -> "e-" + i).toArray(String[]::new));

        try (OutboxRelay relay = relay().batchSize(2).build()) {
            assertThat(List.of(relay.publishPending(), relay.publishPending(), relay.publishPending(), relay.publishPending()))
                    .containsExactly(2, 2, 1, 0);
        }
        assertThat(producer.history()).extracting(OutboxRelayTest::idHeader).containsExactly("e-1", "e-2", "e-3", "e-4", "e-5");
    }

    @Test
    void aRefusedSendMarksTheRowsBeforeItAndLeavesItAndTheRestForTheNextPass() throws SQLException {
        appendCommitted("e-1", "e-2", "e-3");
        producer.refuse("e-2");

        try (OutboxRelay relay = relay().build()) {
            assertThatThrownBy(relay::publishPending)
                    .isInstanceOf(OutboxException.class)
                    .hasMessageContaining("id=e-2")
                    .hasMessageContaining("after 1 earlier message(s)")
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            assertThat(db.strings("SELECT message_id FROM sagaline_outbox WHERE published_at IS NULL ORDER BY seq"))
                    .containsExactly("e-2", "e-3");

            producer.refuse(null);
            assertThat(relay.publishPending()).isEqualTo(2);
        }
        // e-3 was sent on the first pass but not marked, so it goes out again: at least once.
        assertThat(producer.history()).extracting(OutboxRelayTest::idHeader)
                .containsExactly("e-1", "e-2", "e-3", "e-2", "e-3");
    }

    @Test
    void aZeroRetentionDeletesEachRowOnceItIsAcknowledged() throws SQLException {
        appendCommitted("e-1", "e-2");

        try (OutboxRelay relay = relay().publishedRetention(Duration.ZERO).build()) {
            relay.publishPending();
        }

        assertThat(producer.history()).hasSize(2);
        assertThat(db.count("sagaline_outbox")).isZero();
    }

    @Test
    void deletesPublishedRowsOnceTheyAreOlderThanTheRetention() throws SQLException {
        appendCommitted("e-1");
        try (OutboxRelay relay = relay().publishedRetention(Duration.ofHours(1)).build()) {
            relay.publishPending();
            appendCommitted("e-2");

            clock.advance(Duration.ofMinutes(61));
            relay.publishPending();
        }

        assertThat(db.strings("SELECT message_id FROM sagaline_outbox")).containsExactly("e-2");
    }

    @ParameterizedTest
    @CsvSource({"acks, 1", "enable.idempotence, false", "transactional.id, outbox-tx"})
    void refusesProducerSettingsThatWouldWeakenDeliveryAndNamesThem(String key, String value) {
        OutboxRelay.Builder builder = OutboxRelay.builder()
                .dataSource(db.dataSource())
                .producerConfig(Map.of("bootstrap.servers", "localhost:9092", key, value));

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key + "=" + value);
    }

    @Test
    void needsEitherProducerSettingsOrAProducer() {
        assertThatThrownBy(() -> OutboxRelay.builder().dataSource(db.dataSource()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("producerConfig(...) or producer(...)");
    }

    private OutboxRelay.Builder relay() {
        return OutboxRelay.builder().dataSource(db.dataSource()).producer(producer).clock(clock);
    }

    private void appendCommitted(String... ids) throws SQLException {
        for (String id : ids) {
            try (Connection tx = db.transaction()) {
                outbox.append(tx, message(id));
                tx.commit();
            }
        }
    }

    private OutboxMessage message(String id) {
        return OutboxMessage.of(id, TOPIC, "key-" + id, ("value-" + id).getBytes(StandardCharsets.UTF_8), clock.instant())
                .withHeader("type", "StockReserved");
    }

    private static String idHeader(ProducerRecord<String, byte[]> record) {
        return new String(record.headers().lastHeader(OutboxMessage.ID_HEADER).value(), StandardCharsets.UTF_8);
    }

    /** A mock producer whose broker refuses the message with one chosen id, as it would one too large. */
    private static final class RefusingProducer extends MockProducer<String, byte[]> {

        private String refusedId;

        RefusingProducer() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        void refuse(String id) {
            refusedId = id;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            Future<RecordMetadata> acknowledgement = super.send(record, callback);
            return idHeader(record).equals(refusedId)
                    ? CompletableFuture.failedFuture(new RecordTooLargeException("message " + refusedId + " is too large"))
                    : acknowledgement;
        }
    }
}
