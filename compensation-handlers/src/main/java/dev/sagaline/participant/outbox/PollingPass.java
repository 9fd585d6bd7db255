package dev.sagaline.participant.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the {@link PollingRelay}, in one database transaction: lock the oldest unpublished
 * rows, send them, wait for the acknowledgements, mark (or delete) the acknowledged rows, purge
 * rows past their retention when due, and commit. Not thread-safe: the relay never runs two
 * passes at once.
 */
final class PollingPass {

    private static final Logger log = LoggerFactory.getLogger(PollingRelay.class);

    private final DataSource dataSource;
    private final String table;
    private final Producer<String, byte[]> producer;
    private final Duration publishedRetention;
    private final Clock clock;
    private final String selectBatch;
    private final String markPublished;
    private final String deletePublished;
    private final String purgePublished;
    private final PurgeSchedule purges;

    PollingPass(DataSource dataSource, String table, Producer<String, byte[]> producer, int batchSize,
            Duration publishedRetention, Clock clock) {
        this.dataSource = dataSource;
        this.table = table;
        this.producer = producer;
        this.publishedRetention = publishedRetention;
        this.clock = clock;
        this.selectBatch = "SELECT seq, message_id, topic, message_key, message_value, headers FROM " + table
                + " WHERE published_at IS NULL ORDER BY seq FETCH FIRST " + batchSize + " ROWS ONLY FOR UPDATE";
        this.markPublished = "UPDATE " + table + " SET published_at = ? WHERE seq = ?";
        this.deletePublished = "DELETE FROM " + table + " WHERE seq = ?";
        this.purgePublished = "DELETE FROM " + table + " WHERE published_at < ?";
        this.purges = new PurgeSchedule(publishedRetention);
    }

    /**
     * Publishes up to a batch of the oldest unpublished rows and marks them.
     *
     * @return how many messages were published and marked
     * @throws OutboxException when the database fails (nothing is marked) or a message is not
     *     acknowledged (the rows before it are marked; it and the rest are sent again next pass)
     */
    int run() {
        Delivery delivery;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Row> rows = lockNextBatch(connection);
                delivery = send(rows);
                settle(connection, rows.subList(0, delivery.acknowledged()));
                purgeIfDue(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                Jdbc.rollbackAfter(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new OutboxException("publishing from outbox table " + table + " failed in the database, nothing was "
                    + "marked and the rows will be sent again: " + e.getMessage(), e);
        }
        if (delivery.failedRow() != null) {
            Row failed = delivery.failedRow();
            throw new OutboxException("outbox table " + table + ": message seq=" + failed.seq() + " id=" + failed.id()
                    + " to topic " + failed.topic() + " was not acknowledged after " + delivery.acknowledged()
                    + " earlier message(s) of the batch were; it and the rest of the batch stay unpublished and will be "
                    + "sent again: " + delivery.failure().getMessage(), delivery.failure());
        }
        return delivery.acknowledged();
    }

    private List<Row> lockNextBatch(Connection connection) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(selectBatch); ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(new Row(result.getLong("seq"), result.getString("message_id"), result.getString("topic"),
                        result.getString("message_key"), result.getBytes("message_value"),
                        HeaderCodec.decode(result.getBytes("headers"))));
            }
        }
        return rows;
    }

    /**
     * Sends the rows in order and waits for every acknowledgement. Stops sending at the first row
     * the producer refuses outright, so no later row can overtake it.
     */
    private Delivery send(List<Row> rows) {
        List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(rows.size());
        for (Row row : rows) {
            try {
                acknowledgements.add(producer.send(row.toRecord()));
            } catch (RuntimeException e) {
                acknowledgements.add(CompletableFuture.failedFuture(e));
                break;
            }
        }
        if (!acknowledgements.isEmpty()) {
            producer.flush();
        }
        for (int i = 0; i < acknowledgements.size(); i++) {
            try {
                acknowledgements.get(i).get();
            } catch (ExecutionException e) {
                return new Delivery(i, rows.get(i), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Delivery(i, rows.get(i), e);
            }
        }
        return new Delivery(acknowledgements.size(), null, null);
    }

    private void settle(Connection connection, List<Row> acknowledged) throws SQLException {
        if (acknowledged.isEmpty()) {
            return;
        }
        boolean delete = publishedRetention.isZero();
        try (PreparedStatement statement = connection.prepareStatement(delete ? deletePublished : markPublished)) {
            Instant now = clock.instant();
            for (Row row : acknowledged) {
                if (delete) {
                    statement.setLong(1, row.seq());
                } else {
                    Jdbc.setInstant(statement, 1, now);
                    statement.setLong(2, row.seq());
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Deletes rows published longer ago than the retention, at most once a minute (or once per retention, if shorter). */
    private void purgeIfDue(Connection connection) throws SQLException {
        Instant now = clock.instant();
        if (publishedRetention.isZero() || !purges.isDue(now)) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(purgePublished)) {
            Jdbc.setInstant(statement, 1, now.minus(publishedRetention));
            int purged = statement.executeUpdate();
            if (purged > 0) {
                log.debug("Purged {} published message(s) from outbox table {}", purged, table);
            }
        }
        purges.purged(now);
    }

    /** One unpublished outbox row, as the relay reads it. */
    private record Row(long seq, String id, String topic, String key, byte[] value, Map<String, String> headers) {

        ProducerRecord<String, byte[]> toRecord() {
            return OutboxRecords.of(id, topic, key, value, headers);
        }
    }

    /** How far a batch got: the first {@code acknowledged} rows made it; {@code failedRow} did not, for {@code failure}. */
    private record Delivery(int acknowledged, Row failedRow, Throwable failure) {
    }
}
