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
import java.util.Objects;
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
 * Publishes the outbox's committed messages to Kafka in {@code seq} order, like a change-data
 * capture tail of the table, and then marks them published (or deletes them).
 *
 * <pre>{@code
 * try (PollingRelay relay = PollingRelay.builder()
 *         .dataSource(dataSource)
 *         .producerConfig(Map.of("bootstrap.servers", "localhost:9092"))
 *         .build()
 *         .start()) {
 *     awaitShutdown();
 * }
 * }</pre>
 *
 * <p>Each pass, in one database transaction: lock the oldest unpublished rows ({@code SELECT ...
 * ORDER BY seq ... FOR UPDATE}), send them with an idempotent producer ({@code acks=all}), wait for
 * the acknowledgements, mark (or delete) the acknowledged rows and commit. Rows of transactions
 * still open are invisible to it, so nothing is published that might yet roll back.
 *
 * <p><b>At least once.</b> If the relay dies after the broker acknowledged a message and before
 * its row was marked, the transaction rolls back and the next pass sends the message again. If a
 * send fails, the rows before it are marked, and it and every later row of the batch are sent
 * again on the next pass. Consumers must therefore drop messages whose
 * {@value OutboxMessage#ID_HEADER} header (or, for saga replies, {@code commandId}) they have
 * already handled; the orchestrator does this for replies.
 *
 * <p><b>Order.</b> Within one relay, messages go out in {@code seq} order and the idempotent
 * producer keeps that order per partition. Around a send failure a message can appear again
 * after later ones. A row the broker refuses for good (too large, topic missing and not
 * auto-created, not authorized) holds up the rows behind it: the relay logs it on every pass
 * until the cause is fixed or the row is deleted, rather than skip it and break the order.
 * {@code seq} is assigned at insert, so a transaction that commits late can publish after rows
 * with a higher {@code seq}; changes to the same entity keep their order when their transactions
 * conflict on that entity's row, as updates to it do.
 *
 * <p><b>One relay per table.</b> Run a single relay for each outbox table. If several start (one
 * per service replica), the row locks make them take turns: a second relay waits while the first
 * holds a batch (up to the database's lock timeout, after which its pass fails and is retried),
 * then continues after the rows the first published. So they do not publish the same rows at
 * once, but they do not share the work either.
 *
 * <p>Published rows are kept for {@link Builder#publishedRetention(Duration)} (one day by default,
 * for operators), then deleted; a zero retention deletes each row as soon as it is acknowledged.
 * Rows never published are never deleted.
 */
public final class PollingRelay implements OutboxRelay {

    /** Default for {@link Builder#batchSize(int)}. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** Default for {@link Builder#pollInterval(Duration)}. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);
    /** Default for {@link Builder#publishedRetention(Duration)}. */
    public static final Duration DEFAULT_PUBLISHED_RETENTION = Duration.ofDays(1);

    private static final Logger log = LoggerFactory.getLogger(PollingRelay.class);
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final String table;
    private final Producer<String, byte[]> producer;
    private final boolean ownsProducer;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration publishedRetention;
    private final Clock clock;
    private final String selectBatch;
    private final String markPublished;
    private final String deletePublished;
    private final String purgePublished;

    private volatile boolean closed;
    private PollingThread worker;
    private Instant nextPurgeAt = Instant.MIN;

    private PollingRelay(Builder builder) {
        this.dataSource = builder.dataSource;
        this.table = builder.schema.outboxTable();
        this.batchSize = builder.batchSize;
        this.pollInterval = builder.pollInterval;
        this.publishedRetention = builder.publishedRetention;
        this.clock = builder.clock;
        this.selectBatch = "SELECT seq, message_id, topic, message_key, message_value, headers FROM " + table
                + " WHERE published_at IS NULL ORDER BY seq FETCH FIRST " + batchSize + " ROWS ONLY FOR UPDATE";
        this.markPublished = "UPDATE " + table + " SET published_at = ? WHERE seq = ?";
        this.deletePublished = "DELETE FROM " + table + " WHERE seq = ?";
        this.purgePublished = "DELETE FROM " + table + " WHERE published_at < ?";
        if (builder.producer != null) {
            this.producer = builder.producer;
            this.ownsProducer = false;
        } else {
            this.producer = RelayProducer.create(builder.producerConfig, "sagaline-outbox-relay-" + table);
            this.ownsProducer = true;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts publishing on a thread of its own ({@code sagaline-outbox-relay-<table>}): a pass at
     * once, another straight away while passes come back full, otherwise one per poll interval.
     * A failed pass is logged and retried with a growing pause.
     *
     * @return this relay
     * @throws IllegalStateException if it was started or closed before
     */
    @Override
    public synchronized PollingRelay start() {
        requireOpen();
        if (worker != null) {
            throw new IllegalStateException("the outbox relay for table " + table + " is already started");
        }
        worker = new PollingThread("sagaline-outbox-relay-" + table, pollInterval, batchSize, this::publishIfOpen, log,
                "Publishing from outbox table " + table);
        worker.start();
        return this;
    }

    /**
     * Runs one pass on the calling thread: publishes up to a batch of the oldest unpublished rows
     * and marks them. For tests, and for services that schedule the work themselves instead of
     * calling {@link #start()}; passes never overlap.
     *
     * @return how many messages were published and marked; 0 when there was nothing to publish
     * @throws OutboxException when the database fails (nothing is marked) or a message is not
     *     acknowledged (the rows before it are marked; it and the rest are sent again next pass)
     * @throws IllegalStateException if the relay is closed
     */
    public synchronized int publishPending() {
        requireOpen();
        return publishBatch();
    }

    /** Stops the thread after its current pass, then closes the producer if the relay created it. Idempotent. */
    @Override
    public void close() {
        PollingThread running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = worker;
        }
        if (running != null && !running.stop(CLOSE_TIMEOUT)) {
            log.warn("The outbox relay thread for table {} did not stop within {}", table, CLOSE_TIMEOUT);
        }
        synchronized (this) {
            if (ownsProducer) {
                producer.close(CLOSE_TIMEOUT);
            }
        }
    }

    private synchronized int publishIfOpen() {
        return closed ? 0 : publishBatch();
    }

    private int publishBatch() {
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
        if (publishedRetention.isZero() || now.isBefore(nextPurgeAt)) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(purgePublished)) {
            Jdbc.setInstant(statement, 1, now.minus(publishedRetention));
            int purged = statement.executeUpdate();
            if (purged > 0) {
                log.debug("Purged {} published message(s) from outbox table {}", purged, table);
            }
        }
        nextPurgeAt = now.plus(publishedRetention.compareTo(PURGE_INTERVAL) < 0 ? publishedRetention : PURGE_INTERVAL);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the outbox relay for table " + table + " is closed");
        }
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

    /** Configures an {@link PollingRelay}; the data source and either producer settings or a producer are required. */
    public static final class Builder {

        private DataSource dataSource;
        private OutboxSchema schema = OutboxSchema.defaults();
        private Map<String, ?> producerConfig;
        private Producer<String, byte[]> producer;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration publishedRetention = DEFAULT_PUBLISHED_RETENTION;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Where the outbox table is; the relay opens one connection per pass. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** The table to publish from; {@link OutboxSchema#defaults()} unless set. */
        public Builder schema(OutboxSchema schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * Settings for the producer the relay creates and closes: at least
         * {@code bootstrap.servers}. The relay sets {@code acks=all} and
         * {@code enable.idempotence=true} and refuses settings that contradict them or set a
         * {@code transactional.id}; serializers are its own.
         */
        public Builder producerConfig(Map<String, ?> producerConfig) {
            this.producerConfig = Map.copyOf(Objects.requireNonNull(producerConfig, "producerConfig"));
            return this;
        }

        /**
         * A producer to publish with instead, such as one wrapped to inject failures in tests, or one
         * the service shares. The relay cannot check it: configure it idempotent with
         * {@code acks=all}. The relay does not close it.
         */
        public Builder producer(Producer<String, byte[]> producer) {
            this.producer = Objects.requireNonNull(producer, "producer");
            return this;
        }

        /** The most rows one pass locks and sends, 1 to 10 000; {@value PollingRelay#DEFAULT_BATCH_SIZE} unless set. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("outbox relay batchSize must be between 1 and 10000, not " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The pause after a pass that found less than a full batch; positive. 200 ms unless set. */
        public Builder pollInterval(Duration pollInterval) {
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("outbox relay pollInterval must be positive, not " + pollInterval);
            }
            this.pollInterval = pollInterval;
            return this;
        }

        /**
         * How long published rows stay in the table, marked with their {@code published_at},
         * before the relay deletes them. {@link Duration#ZERO} deletes each row in the same
         * transaction that would have marked it. One day unless set.
         */
        public Builder publishedRetention(Duration publishedRetention) {
            Objects.requireNonNull(publishedRetention, "publishedRetention");
            if (publishedRetention.isNegative()) {
                throw new IllegalArgumentException("outbox relay publishedRetention must not be negative, not " + publishedRetention);
            }
            this.publishedRetention = publishedRetention;
            return this;
        }

        /** The clock for {@code published_at} and the retention; the system UTC clock unless set. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @throws IllegalArgumentException when the data source is missing, when neither or both of
         *     producer settings and a producer are given, or when the settings are refused
         */
        public PollingRelay build() {
            if (dataSource == null) {
                throw new IllegalArgumentException("the outbox relay needs a dataSource");
            }
            RelayProducer.requireOneOf(producerConfig, producer, "outbox relay");
            return new PollingRelay(this);
        }
    }
}
