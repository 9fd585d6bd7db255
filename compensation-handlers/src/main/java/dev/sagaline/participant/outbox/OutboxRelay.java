package dev.sagaline.participant.outbox;

import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Publishes the outbox table's committed messages to Kafka, from a thread of its own, until
 * closed. Two kinds, with the same promise (every committed message published at least once,
 * carrying its {@value OutboxMessage#ID_HEADER} header, in order per key; nothing from a rolled
 * back transaction):
 *
 * <ul>
 *   <li>{@link PollingRelay} queries the table; it needs nothing but JDBC, so it runs on any
 *       database;</li>
 *   <li>{@link CdcRelay} tails PostgreSQL's write-ahead log with Debezium, so the table is never
 *       queried and a message goes out as soon as its transaction commits.</li>
 * </ul>
 *
 * <p>{@link #create(Map, DataSource)} picks one from the {@link OutboxRelayConfig#RELAY_CONFIG}
 * setting, so a service chooses in its configuration, not in code.
 */
public interface OutboxRelay extends AutoCloseable {

    /**
     * Starts publishing on the relay's own thread.
     *
     * @return this relay
     * @throws IllegalStateException if it was started or closed before
     */
    OutboxRelay start();

    /** Stops publishing and releases the producer the relay created. Idempotent. */
    @Override
    void close();

    /**
     * The relay the settings ask for, not yet started.
     *
     * @param settings the {@link OutboxRelayConfig} keys, plus producer settings under
     *     {@value OutboxRelayConfig#PRODUCER_PREFIX}
     * @param dataSource the outbox table's database, for the polling relay's queries and the CDC
     *     relay's deletes of published rows
     * @throws org.apache.kafka.common.config.ConfigException naming the key when a setting is invalid
     */
    static OutboxRelay create(Map<String, ?> settings, DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        OutboxRelayConfig config = new OutboxRelayConfig(settings);
        OutboxSchema schema = OutboxSchema.defaults().withOutboxTable(config.table());
        return switch (config.relay()) {
            case POLLING -> PollingRelay.builder()
                    .dataSource(dataSource)
                    .schema(schema)
                    .producerConfig(config.producerSettings())
                    .batchSize(config.batchSize())
                    .pollInterval(config.pollInterval())
                    .publishedRetention(config.publishedRetention())
                    .build();
            case CDC -> CdcRelay.builder()
                    .dataSource(dataSource)
                    .schema(schema)
                    .database(config.database())
                    .producerConfig(config.producerSettings())
                    .name(config.cdcName())
                    .slotName(config.slotName())
                    .publicationName(config.publicationName())
                    .offsetFlushInterval(config.offsetFlushInterval())
                    .build();
        };
    }
}
