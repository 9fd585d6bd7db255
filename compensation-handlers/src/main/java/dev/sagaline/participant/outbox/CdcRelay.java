package dev.sagaline.participant.outbox;

import dev.sagaline.participant.outbox.internals.JdbcOffsetStore;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox's committed messages by change-data capture: Debezium's embedded engine
 * reads the outbox table's inserts from PostgreSQL's write-ahead log through logical replication
 * ({@code pgoutput}), Debezium's outbox event router turns each into a Kafka record (topic from
 * the {@code topic} column, key from {@code message_key}, the value bytes as they are, the
 * message's headers carried), and the relay publishes them with an idempotent {@code acks=all}
 * producer. Needs {@code debezium-embedded} and {@code debezium-connector-postgres} on the
 * classpath, and a server with {@code wal_level=logical}.
 *
 * <pre>{@code
 * try (OutboxRelay relay = CdcRelay.builder()
 *         .dataSource(dataSource)
 *         .database(new DatabaseAddress("db.internal", 5432, "inventory", "outbox_relay", password))
 *         .producerConfig(Map.of("bootstrap.servers", "localhost:9092"))
 *         .name("inventory-outbox")
 *         .build()
 *         .start()) {
 *     awaitShutdown();
 * }
 * }</pre>
 *
 * <p><b>Only committed messages.</b> Logical decoding emits a transaction when it commits, so a
 * rolled-back transaction's rows are never seen.
 *
 * <p><b>At least once, exactly once for consumers that deduplicate.</b> Each batch is sent, every
 * acknowledgement awaited, and only then are its records marked processed; the engine records the
 * log position they reached every {@link Builder#offsetFlushInterval offset flush interval}, in a
 * table beside the outbox (its name plus {@value #OFFSET_TABLE_SUFFIX}), and PostgreSQL's
 * replication slot keeps the log from there. A relay
 * that dies between a publish and the next offset record resumes from the last recorded position
 * and publishes those messages again, with the same {@value OutboxMessage#ID_HEADER}; a consumer
 * that drops ids it has seen (the orchestrator does, by command id) handles each message once.
 *
 * <p><b>Order.</b> Messages go out in commit order, which keeps the order of every key whose
 * changes conflict on a row, and the idempotent producer keeps it per partition. Around a failed
 * send the batch is published again, so a message can appear again after later ones.
 *
 * <p><b>A bounded table.</b> Once a batch is acknowledged its rows are deleted (the log already
 * holds what the relay needs; the deletes themselves are skipped by the connector), so the table
 * holds only messages not yet published.
 *
 * <p><b>Resuming.</b> The publication and the replication slot are created on the first start
 * under the names in the builder (so the data source's role needs the REPLICATION attribute then);
 * the messages already in the table, committed before the slot's start point, are read under the
 * snapshot the slot was created with and published first, so none is lost and none is published
 * twice. A restart with the same {@link Builder#name name} resumes from the recorded offsets. A failure
 * (database or broker outage, a refused record) stops the engine; the relay logs it and starts it
 * again with a growing pause, resuming from the recorded offsets.
 *
 * <p>Run one CDC relay per outbox table: a replication slot has one reader at a time.
 */
public final class CdcRelay implements OutboxRelay {

    /** Default for {@link Builder#slotName(String)} and {@link Builder#publicationName(String)}. */
    public static final String DEFAULT_SLOT_NAME = "sagaline_outbox";
    /** Appended to the outbox table's name to name the table of the relay's offsets. */
    public static final String OFFSET_TABLE_SUFFIX = "_cdc_offsets";
    /** Default for {@link Builder#offsetFlushInterval(Duration)}. */
    public static final Duration DEFAULT_OFFSET_FLUSH_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(CdcRelay.class);
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FIRST_RESTART_PAUSE = Duration.ofMillis(500);
    private static final Duration MAX_RESTART_PAUSE = Duration.ofSeconds(30);

    private final Builder settings;
    private final DataSource dataSource;
    private final String table;
    private final Producer<String, byte[]> producer;
    private final boolean ownsProducer;
    private final String deletePublished;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<RunningEngine> engine = new AtomicReference<>();
    private final CountDownLatch streaming = new CountDownLatch(1);

    private boolean closed;
    private Thread worker;

    private CdcRelay(Builder builder) {
        this.settings = builder;
        this.dataSource = builder.dataSource;
        this.table = builder.schema.outboxTable();
        this.deletePublished = "DELETE FROM " + table + " WHERE message_id = ANY (?)";
        if (builder.producer != null) {
            this.producer = builder.producer;
            this.ownsProducer = false;
        } else {
            this.producer = RelayProducer.create(builder.producerConfig, "sagaline-cdc-relay-" + builder.name);
            this.ownsProducer = true;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the engine on a thread of its own ({@code sagaline-cdc-relay-<name>}). It connects,
     * creates the slot and publication if missing, and begins publishing in the background;
     * connection failures are logged and retried.
     */
    @Override
    public synchronized CdcRelay start() {
        if (closed) {
            throw new IllegalStateException("the CDC relay " + settings.name + " is closed");
        }
        if (worker != null) {
            throw new IllegalStateException("the CDC relay " + settings.name + " is already started");
        }
        worker = new Thread(this::runUntilClosed, "sagaline-cdc-relay-" + settings.name);
        // As with the polling relay, dying mid-batch loses nothing: the batch is published again.
        worker.setDaemon(true);
        worker.start();
        return this;
    }

    /**
     * Waits until the relay publishes from the log: the publication and slot exist, the messages
     * from before the slot are published, and the engine's task has started. Every message
     * committed from then on is published. For start-up checks and tests; publishing does not
     * depend on anyone calling it.
     *
     * @return false if that took longer than {@code timeout}
     */
    public boolean awaitStreaming(Duration timeout) throws InterruptedException {
        return streaming.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the engine, which records the offsets of the batches it finished, then closes the
     * producer if the relay created it. Idempotent.
     */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = worker;
        }
        stopRequested.countDown();
        closeEngine();
        if (running != null) {
            try {
                running.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (running.isAlive()) {
                log.warn("The CDC relay thread {} did not stop within {}", running.getName(), CLOSE_TIMEOUT);
            }
        }
        if (ownsProducer) {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    private void runUntilClosed() {
        int failures = 0;
        boolean prepared = false;
        while (stopRequested.getCount() > 0) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            if (!prepared) {
                try {
                    prepareReplication();
                    prepared = true;
                } catch (SQLException | RuntimeException e) {
                    failure.set(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (prepared) {
                runEngine(failure);
            }
            if (stopRequested.getCount() == 0) {
                return;
            }
            failures++;
            Duration pause = pause(failures);
            Throwable cause = failure.get();
            log.warn("The CDC relay {} stopped ({} in a row): {}; starting it again from the recorded offsets in {} ms",
                    settings.name, failures, cause == null ? "the engine ended" : cause.getMessage(), pause.toMillis(), cause);
            try {
                if (stopRequested.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Creates the publication of the outbox table and the replication slot unless they exist.
     * When the slot is new, the messages already in the table were committed before its start
     * point and will not be streamed, so they are published here: read under the snapshot the
     * slot was created with, which holds exactly the transactions committed before that point,
     * so no message is both read here and streamed. A marker in the offsets table records that
     * this was done; a slot without it (the relay died or failed in between) is dropped and
     * created again, so those messages are published on the next try instead of lost.
     */
    private void prepareReplication() throws SQLException, InterruptedException {
        String marker = "sagaline:backlog-published:" + settings.slotName;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute(JdbcOffsetStore.ddl(settings.offsetTable()));
            }
            if (!exists(connection, "SELECT 1 FROM pg_publication WHERE pubname = ?", settings.publicationName)) {
                try (Statement create = connection.createStatement()) {
                    create.execute("CREATE PUBLICATION " + settings.publicationName + " FOR TABLE " + table);
                }
                log.info("Created publication {} of outbox table {}", settings.publicationName, table);
            }
            boolean slot = exists(connection, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", settings.slotName);
            if (slot && exists(connection, "SELECT 1 FROM " + settings.offsetTable() + " WHERE offset_key = convert_to(?, 'UTF8')",
                    marker)) {
                return;
            }
            if (slot) {
                log.warn("Replication slot {} exists, but the messages from before it were never all published; "
                        + "dropping it to start over", settings.slotName);
                try (PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    drop.setString(1, settings.slotName);
                    drop.execute();
                }
            }
        }
        // The exported snapshot lives as long as the replication connection that created the slot
        // stays open and idle, so the backlog is read before that connection is closed.
        List<ProducerRecord<String, byte[]>> backlog;
        try (Connection replication = replicationConnection()) {
            ReplicationSlotInfo slot = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                    .logical().withSlotName(settings.slotName).withOutputPlugin("pgoutput").make();
            log.info("Created replication slot {} for outbox table {} at {}", settings.slotName, table, slot.getConsistentPoint());
            backlog = readUnder(slot.getSnapshotName());
        }
        sendAndDelete(backlog);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement mark = connection.prepareStatement("INSERT INTO " + settings.offsetTable()
                        + " (offset_key, offset_value, updated_at) VALUES (convert_to(?, 'UTF8'), NULL, now()) ON CONFLICT DO NOTHING")) {
            mark.setString(1, marker);
            mark.executeUpdate();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
        if (!backlog.isEmpty()) {
            log.info("Published {} message(s) committed to outbox table {} before replication slot {} existed",
                    backlog.size(), table, settings.slotName);
        }
    }

    private Connection replicationConnection() throws SQLException {
        DatabaseAddress address = settings.database;
        Properties properties = new Properties();
        PGProperty.USER.set(properties, address.user());
        PGProperty.PASSWORD.set(properties, address.password());
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return DriverManager.getConnection("jdbc:postgresql://" + address.host() + ":" + address.port() + "/"
                + address.database(), properties);
    }

    private List<ProducerRecord<String, byte[]>> readUnder(String snapshot) throws SQLException {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                statement.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
                try (ResultSet row = statement.executeQuery("SELECT message_id, topic, message_key, message_value, headers FROM "
                        + table + " ORDER BY seq")) {
                    while (row.next()) {
                        records.add(OutboxRecords.of(row.getString(1), row.getString(2), row.getString(3), row.getBytes(4),
                                HeaderCodec.decode(row.getBytes(5))));
                    }
                }
            }
            connection.commit();
        }
        return records;
    }

    private static boolean exists(Connection connection, String query, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    private void runEngine(AtomicReference<Throwable> failure) {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> built = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(DebeziumSettings.of(settings))
                .notifying(this::publish)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        started.countDown();
                        streaming.countDown();
                    }
                })
                .using((success, message, error) -> {
                    if (!success) {
                        failure.set(error != null ? error : new OutboxException(message, null));
                    }
                })
                .build();
        RunningEngine running = new RunningEngine(built, started, ended);
        engine.set(running);
        if (stopRequested.getCount() == 0) {
            engine.set(null);
            return;
        }
        try {
            // Returns when the engine stops: closed, or failed.
            built.run();
        } finally {
            ended.countDown();
            // A close() that came while the engine was being built found nothing to close.
            if (engine.compareAndSet(running, null) && stopRequested.getCount() == 0) {
                running.close();
            }
        }
    }

    /**
     * The engine's batch handler: publish every outbox record, wait for all acknowledgements,
     * delete the published rows, and only then mark the batch processed. Throwing leaves the
     * whole batch unmarked; the engine stops and is started again from the recorded offsets.
     */
    private void publish(List<RecordChangeEvent<SourceRecord>> batch,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(batch.size());
        for (RecordChangeEvent<SourceRecord> event : batch) {
            String id = eventId(event.record());
            if (id != null) {
                records.add(toProducerRecord(event.record(), id));
            }
        }
        sendAndDelete(records);
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }

    /** Sends the records in order, waits for every acknowledgement, then deletes their rows. */
    private void sendAndDelete(List<ProducerRecord<String, byte[]>> records) throws InterruptedException {
        List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            acknowledgements.add(producer.send(record));
        }
        if (!acknowledgements.isEmpty()) {
            producer.flush();
        }
        List<String> ids = new ArrayList<>(records.size());
        for (int i = 0; i < acknowledgements.size(); i++) {
            String id = new String(records.get(i).headers().lastHeader(OutboxMessage.ID_HEADER).value(), StandardCharsets.UTF_8);
            try {
                acknowledgements.get(i).get();
            } catch (ExecutionException e) {
                throw new OutboxException("CDC relay " + settings.name + ": message " + id + " was not acknowledged; "
                        + "the batch of " + records.size() + " will be published again: " + e.getCause().getMessage(), e.getCause());
            }
            ids.add(id);
        }
        deletePublished(ids);
    }

    private void deletePublished(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement delete = connection.prepareStatement(deletePublished)) {
            Array array = connection.createArrayOf("varchar", ids.toArray());
            delete.setArray(1, array);
            delete.executeUpdate();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            throw new OutboxException("CDC relay " + settings.name + ": deleting " + ids.size() + " published message(s) from "
                    + table + " failed; the batch will be published again: " + e.getMessage(), e);
        }
    }

    /** The outbox message id of a record the event router produced; null for anything else (heartbeats). */
    private static String eventId(SourceRecord record) {
        Header id = record.headers().lastWithName(DebeziumSettings.EVENT_ID_HEADER);
        return id == null || id.value() == null ? null : id.value().toString();
    }

    private static ProducerRecord<String, byte[]> toProducerRecord(SourceRecord record, String id) {
        Header encoded = record.headers().lastWithName(DebeziumSettings.HEADERS_HEADER);
        Map<String, String> headers = encoded == null || encoded.value() == null ? Map.of() : HeaderCodec.decode(bytes(encoded.value()));
        return OutboxRecords.of(id, record.topic(), record.key() == null ? null : record.key().toString(),
                record.value() == null ? null : bytes(record.value()), headers);
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] array) {
            return array;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        throw new OutboxException("expected bytes from the outbox table's BYTEA column, got " + value.getClass().getName(), null);
    }

    private void closeEngine() {
        RunningEngine running = engine.getAndSet(null);
        if (running != null) {
            running.close();
        }
    }

    private static Duration pause(int failures) {
        Duration pause = FIRST_RESTART_PAUSE.multipliedBy(1L << Math.min(failures - 1, 10));
        return pause.compareTo(MAX_RESTART_PAUSE) > 0 ? MAX_RESTART_PAUSE : pause;
    }

    /**
     * One run of the Debezium engine. Closing it while it is still starting would leave the
     * offset store it opened running, so close waits (bounded) until its task started or its
     * run ended.
     */
    private record RunningEngine(DebeziumEngine<RecordChangeEvent<SourceRecord>> engine, CountDownLatch started,
            CountDownLatch ended) {

        void close() {
            long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
            try {
                while (started.getCount() > 0 && !ended.await(50, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                engine.close();
            } catch (IOException e) {
                log.warn("Stopping a Debezium engine failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Configures a {@link CdcRelay}; the data source, the database address and producer settings
     * (or a producer and the bootstrap servers) are required.
     */
    public static final class Builder {

        DataSource dataSource;
        OutboxSchema schema = OutboxSchema.defaults();
        DatabaseAddress database;
        Map<String, ?> producerConfig;
        Producer<String, byte[]> producer;
        String name = "sagaline-outbox";
        String slotName = DEFAULT_SLOT_NAME;
        String publicationName = DEFAULT_SLOT_NAME;
        Duration offsetFlushInterval = DEFAULT_OFFSET_FLUSH_INTERVAL;

        private Builder() {
        }

        /** The outbox table's database, on which the relay deletes the rows it has published. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** The table to publish from; {@link OutboxSchema#defaults()} unless set. */
        public Builder schema(OutboxSchema schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /** Where Debezium opens its replication connection. */
        public Builder database(DatabaseAddress database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /**
         * Settings for the producer the relay creates and closes, at least
         * {@code bootstrap.servers}; checked as for the {@link PollingRelay}.
         */
        public Builder producerConfig(Map<String, ?> producerConfig) {
            this.producerConfig = Map.copyOf(Objects.requireNonNull(producerConfig, "producerConfig"));
            return this;
        }

        /**
         * A producer to publish with instead, configured idempotent with {@code acks=all}; the
         * relay does not close it.
         */
        public Builder producer(Producer<String, byte[]> producer) {
            this.producer = Objects.requireNonNull(producer, "producer");
            return this;
        }

        /**
         * The relay's name: the Debezium engine's name and topic prefix, under which its offsets
         * are recorded. Keep it across restarts: under a new name the relay finds no offsets and
         * resumes from the position the replication slot last confirmed, publishing again what
         * came after it. {@code sagaline-outbox} unless set.
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!Pattern.matches("[A-Za-z0-9._-]{1,200}", name)) {
                throw new IllegalArgumentException("CDC relay name '" + name + "' must be 1 to 200 letters, digits, '.', '_' or '-'");
            }
            this.name = name;
            return this;
        }

        /** The replication slot, created on start if missing; lower-case letters, digits and underscores. */
        public Builder slotName(String slotName) {
            this.slotName = requireSlotName("slot", slotName);
            return this;
        }

        /** The publication of the outbox table, created on start if missing; lower-case letters, digits and underscores. */
        public Builder publicationName(String publicationName) {
            this.publicationName = requireSlotName("publication", publicationName);
            return this;
        }

        /**
         * How often the engine records the offsets of finished batches, which is also how far a
         * restarted relay may publish again and how long PostgreSQL keeps the log behind it;
         * positive, one second unless set.
         */
        public Builder offsetFlushInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("CDC relay offset flush interval must be positive, not " + interval);
            }
            this.offsetFlushInterval = interval;
            return this;
        }

        /** The table the engine records its offsets in: the outbox table's name plus {@value CdcRelay#OFFSET_TABLE_SUFFIX}. */
        String offsetTable() {
            return schema.outboxTable() + OFFSET_TABLE_SUFFIX;
        }

        /** @throws IllegalArgumentException naming what is missing or refused */
        public CdcRelay build() {
            if (dataSource == null) {
                throw new IllegalArgumentException("the CDC relay needs a dataSource, to delete published rows");
            }
            if (database == null) {
                throw new IllegalArgumentException("the CDC relay needs the database(...) address for its replication connection");
            }
            RelayProducer.requireOneOf(producerConfig, producer, "CDC relay");
            return new CdcRelay(this);
        }

        private static String requireSlotName(String what, String name) {
            Objects.requireNonNull(name, what + " name");
            if (!SLOT_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("CDC relay " + what + " name '" + name + "' must be 1 to 63 lower-case "
                        + "letters, digits and underscores");
            }
            return name;
        }
    }
}
