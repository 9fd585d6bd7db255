package dev.sagaline.participant.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
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
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final String OWNER = "outbox relay";

    private final RelayProducer producer;
    private final PassLoop loop;

    private PollingRelay(Builder builder) {
        String table = builder.schema.outboxTable();
        this.producer = builder.openProducer("sagaline-outbox-relay-" + table);
        PollingPass pass = new PollingPass(builder.dataSource, table, producer.producer(), builder.batchSize,
                builder.publishedRetention, builder.clock);
        this.loop = new PassLoop(OWNER, table, builder.pollInterval, builder.batchSize, pass::run, log,
                "Publishing from outbox table " + table);
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
    public PollingRelay start() {
        loop.start();
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
    public int publishPending() {
        return loop.runNow();
    }

    /** Stops the thread after its current pass, then closes the producer if the relay created it. Idempotent. */
    @Override
    public void close() {
        if (loop.close(CLOSE_TIMEOUT)) {
            // A pass someone runs on their own thread may still be sending: release after it.
            loop.betweenPasses(() -> producer.release(CLOSE_TIMEOUT));
        }
    }

    /** Configures an {@link PollingRelay}; the data source and either producer settings or a producer are required. */
    public static final class Builder extends RelayBuilder<Builder> {

        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration publishedRetention = DEFAULT_PUBLISHED_RETENTION;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** The most rows one pass locks and sends, 1 to 10 000; {@value PollingRelay#DEFAULT_BATCH_SIZE} unless set. */
        public Builder batchSize(int batchSize) {
            this.batchSize = SettingRules.batchSize(OWNER, batchSize);
            return this;
        }

        /** The pause after a pass that found less than a full batch; positive. 200 ms unless set. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = SettingRules.positive(OWNER, "pollInterval", pollInterval);
            return this;
        }

        /**
         * How long published rows stay in the table, marked with their {@code published_at},
         * before the relay deletes them. {@link Duration#ZERO} deletes each row in the same
         * transaction that would have marked it. One day unless set.
         */
        public Builder publishedRetention(Duration publishedRetention) {
            this.publishedRetention = SettingRules.notNegative(OWNER, "publishedRetention", publishedRetention);
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
            requireDataSource("the outbox relay needs a dataSource");
            requireProducer(OWNER);
            return new PollingRelay(this);
        }
    }
}
