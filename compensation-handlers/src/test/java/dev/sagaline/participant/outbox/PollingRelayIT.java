package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.LocalKafka;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localpostgres.ForwardingDataSource;
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
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a real broker: the relay publishes committed outbox rows in order from its own thread, holds
 * back a row until its transaction commits, and after a crash between the send and the mark sends
 * the row again, so the consumer sees the same message id twice.
 */
@Tag("integration")
@LocalKafka(shared = true)
@ExtendWith(LocalPostgresExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PollingRelayIT {

    private final PostgresDatabase db;
    private final Outbox outbox = new Outbox(OutboxSchema.defaults());

    PollingRelayIT(LocalPostgres postgres) {
        db = PostgresDatabase.create(postgres);
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void publishesCommittedRowsInOrderAndHoldsBackAnOpenTransactionsRow(LocalKafkaBroker kafka) throws SQLException {
        String topic = "outbox-it.ordered";
        kafka.createTopics(Map.of(topic, 1));
        appendCommitted(topic, "e-1", "e-2", "e-3");

        try (Connection open = db.transaction();
                PollingRelay relay = relay(kafka, db.dataSource()).pollInterval(Duration.ofMillis(50)).build()) {
            outbox.append(open, message(topic, "e-4"));
            relay.start();

            await().atMost(Duration.ofSeconds(30)).until(() -> unpublished().isEmpty());
            assertThat(TopicRecords.committed(kafka, topic)).extracting(PollingRelayIT::idHeader)
                    .containsExactly("e-1", "e-2", "e-3");

            open.commit();
            await().atMost(Duration.ofSeconds(30)).until(() -> unpublished().isEmpty());
        }

        List<ConsumerRecord<String, byte[]>> published = TopicRecords.committed(kafka, topic);
        assertThat(published).extracting(PollingRelayIT::idHeader).containsExactly("e-1", "e-2", "e-3", "e-4");
        assertThat(published).extracting(ConsumerRecord::key).containsExactly("sku-e-1", "sku-e-2", "sku-e-3", "sku-e-4");
        assertThat(new String(published.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("reserved e-1");
        assertThat(db.strings("SELECT published_at FROM sagaline_outbox")).hasSize(4).doesNotContainNull();
    }

    @Test
    void sendsARowAgainWhenTheRelayFailsBetweenTheSendAndTheMark(LocalKafkaBroker kafka) throws SQLException {
        String topic = "outbox-it.crash";
        kafka.createTopics(Map.of(topic, 1));
        appendCommitted(topic, "e-1");
        AtomicBoolean crashBeforeMark = new AtomicBoolean(true);

        try (PollingRelay relay = relay(kafka, failingOnce("UPDATE", crashBeforeMark)).build()) {
            assertThatThrownBy(relay::publishPending)
                    .isInstanceOf(OutboxException.class)
                    .hasMessageContaining("nothing was marked");
            assertThat(unpublished()).containsExactly("e-1");

            assertThat(relay.publishPending()).isOne();
        }

        assertThat(unpublished()).isEmpty();
        assertThat(TopicRecords.committed(kafka, topic)).extracting(PollingRelayIT::idHeader)
                .as("at least once: the consumer deduplicates by this id")
                .containsExactly("e-1", "e-1");
    }

    private PollingRelay.Builder relay(LocalKafkaBroker kafka, DataSource dataSource) {
        return PollingRelay.builder().dataSource(dataSource).producerConfig(kafka.clientConfig());
    }

    private void appendCommitted(String topic, String... ids) throws SQLException {
        for (String id : ids) {
            try (Connection tx = db.transaction()) {
                outbox.append(tx, message(topic, id));
                tx.commit();
            }
        }
    }

    private static OutboxMessage message(String topic, String id) {
        return OutboxMessage.of(id, topic, "sku-" + id, ("reserved " + id).getBytes(StandardCharsets.UTF_8),
                MutableClock.START);
    }

    private List<String> unpublished() {
        return db.strings("SELECT message_id FROM sagaline_outbox WHERE published_at IS NULL ORDER BY seq");
    }

    /**
     * The database, except that the first statement starting with {@code prefix} fails while
     * {@code armed}: the relay's process "dies" after the broker acknowledged and before the row
     * was marked, and its transaction rolls back.
     */
    private DataSource failingOnce(String prefix, AtomicBoolean armed) {
        return new ForwardingDataSource(db.dataSource()) {
            @Override
            public Connection getConnection() throws SQLException {
                return intercepted(target().getConnection(), (method, args, proceed) -> {
                    if (method.getName().equals("prepareStatement") && ((String) args[0]).startsWith(prefix)
                            && armed.compareAndSet(true, false)) {
                        throw new SQLException("simulated crash after the send, before the mark");
                    }
                    return proceed.call();
                });
            }
        };
    }

    private static String idHeader(ConsumerRecord<String, byte[]> record) {
        return new String(record.headers().lastHeader(OutboxMessage.ID_HEADER).value(), StandardCharsets.UTF_8);
    }
}
