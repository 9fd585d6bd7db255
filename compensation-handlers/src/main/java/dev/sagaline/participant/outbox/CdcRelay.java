package dev.sagaline.participant.outbox;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.connect.source.SourceRecord;
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
    private final RelayProducer producer;
    private final CdcPublisher publisher;
    private final ReplicationSetup replication;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<EngineRun> engine = new AtomicReference<>();
    private final CountDownLatch streaming = new CountDownLatch(1);

    private boolean closed;
    private Thread worker;

    private CdcRelay(Builder builder) {
        this.settings = builder;
        this.producer = builder.openProducer("sagaline-cdc-relay-" + builder.name);
        this.publisher = new CdcPublisher(builder.name, builder.dataSource, builder.schema.outboxTable(), producer.producer());
        this.replication = new ReplicationSetup(builder, publisher);
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
        producer.release(CLOSE_TIMEOUT);
    }

    private void runUntilClosed() {
        int failures = 0;
        boolean prepared = false;
        while (stopRequested.getCount() > 0) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            if (!prepared) {
                try {
                    replication.prepare();
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

    private void runEngine(AtomicReference<Throwable> failure) {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> built = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(DebeziumSettings.of(settings))
                .notifying(publisher::publish)
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
        EngineRun running = new EngineRun(built, started, ended);
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
                running.close(CLOSE_TIMEOUT);
            }
        }
    }

    private void closeEngine() {
        EngineRun running = engine.getAndSet(null);
        if (running != null) {
            running.close(CLOSE_TIMEOUT);
        }
    }

    private static Duration pause(int failures) {
        Duration pause = FIRST_RESTART_PAUSE.multipliedBy(1L << Math.min(failures - 1, 10));
        return pause.compareTo(MAX_RESTART_PAUSE) > 0 ? MAX_RESTART_PAUSE : pause;
    }

    /**
     * Configures a {@link CdcRelay}; the data source, the database address and producer settings
     * (or a producer and the bootstrap servers) are required.
     */
    public static final class Builder extends RelayBuilder<Builder> {

        DatabaseAddress database;
        String name = "sagaline-outbox";
        String slotName = DEFAULT_SLOT_NAME;
        String publicationName = DEFAULT_SLOT_NAME;
        Duration offsetFlushInterval = DEFAULT_OFFSET_FLUSH_INTERVAL;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** Where Debezium opens its replication connection. */
        public Builder database(DatabaseAddress database) {
            this.database = Objects.requireNonNull(database, "database");
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
            this.offsetFlushInterval = SettingRules.positive("CDC relay", "offset flush interval", interval);
            return this;
        }

        /** The table the engine records its offsets in: the outbox table's name plus {@value CdcRelay#OFFSET_TABLE_SUFFIX}. */
        String offsetTable() {
            return schema.outboxTable() + OFFSET_TABLE_SUFFIX;
        }

        /** @throws IllegalArgumentException naming what is missing or refused */
        public CdcRelay build() {
            requireDataSource("the CDC relay needs a dataSource, to delete published rows");
            if (database == null) {
                throw new IllegalArgumentException("the CDC relay needs the database(...) address for its replication connection");
            }
            requireProducer("CDC relay");
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
