package dev.sagaline.participant.outbox;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The settings of an {@link OutboxRelay}, declared once with type, default, validation and
 * documentation: which relay, its table, the polling relay's pace, the CDC relay's slot,
 * publication, offset flushing and replication connection. Producer settings are the keys under
 * {@value #PRODUCER_PREFIX}, passed on without the prefix; {@code producer.bootstrap.servers} is
 * required.
 *
 * <p>An invalid value fails with Kafka's {@link ConfigException} naming the key; choosing
 * {@code cdc} without the database address names the missing key and {@value #RELAY_CONFIG}.
 */
public final class OutboxRelayConfig extends AbstractConfig {

    /** Which relay publishes the outbox. */
    public static final String RELAY_CONFIG = "sagaline.outbox.relay";
    private static final String RELAY_DOC = "Which relay publishes the outbox: 'polling' queries the table (any database"
            + " with JDBC), 'cdc' tails PostgreSQL's write-ahead log with Debezium (needs wal_level=logical and the"
            + " Debezium artifacts on the classpath).";

    /** The outbox table. */
    public static final String TABLE_CONFIG = "sagaline.outbox.table";
    private static final String TABLE_DOC = "The outbox table, optionally schema-qualified.";

    /** The polling relay's batch size. */
    public static final String POLLING_BATCH_SIZE_CONFIG = "sagaline.outbox.polling.batch.size";
    private static final String POLLING_BATCH_SIZE_DOC = "The most rows one polling pass locks and sends.";

    /** The polling relay's pause between passes that found less than a batch. */
    public static final String POLLING_INTERVAL_MS_CONFIG = "sagaline.outbox.polling.interval.ms";
    private static final String POLLING_INTERVAL_MS_DOC = "The pause after a polling pass that found less than a full batch.";

    /** How long the polling relay keeps published rows. */
    public static final String POLLING_RETENTION_MS_CONFIG = "sagaline.outbox.polling.published.retention.ms";
    private static final String POLLING_RETENTION_MS_DOC = "How long the polling relay keeps published rows before"
            + " deleting them; 0 deletes each row once acknowledged.";

    /** The CDC relay's name, under which its offsets are kept. */
    public static final String CDC_NAME_CONFIG = "sagaline.outbox.cdc.name";
    private static final String CDC_NAME_DOC = "The CDC relay's name: the Debezium engine's name and topic prefix, under"
            + " which its offsets are recorded. Keep it across restarts.";

    /** The replication slot. */
    public static final String CDC_SLOT_CONFIG = "sagaline.outbox.cdc.slot.name";
    private static final String CDC_SLOT_DOC = "The PostgreSQL replication slot the CDC relay reads, created on start if missing.";

    /** The publication. */
    public static final String CDC_PUBLICATION_CONFIG = "sagaline.outbox.cdc.publication.name";
    private static final String CDC_PUBLICATION_DOC = "The PostgreSQL publication of the outbox table, created on start if missing.";

    /** How often the CDC relay records its offsets. */
    public static final String CDC_OFFSETS_FLUSH_MS_CONFIG = "sagaline.outbox.cdc.offsets.flush.interval.ms";
    private static final String CDC_OFFSETS_FLUSH_MS_DOC = "How often the CDC relay records the log position of finished"
            + " batches, in the table named after the outbox table plus '" + CdcRelay.OFFSET_TABLE_SUFFIX + "': how far a restarted relay may publish again, and how long PostgreSQL keeps the log behind it.";

    /** The replication connection's host. */
    public static final String CDC_HOST_CONFIG = "sagaline.outbox.cdc.database.hostname";
    /** The replication connection's port. */
    public static final String CDC_PORT_CONFIG = "sagaline.outbox.cdc.database.port";
    /** The database holding the outbox table. */
    public static final String CDC_DATABASE_CONFIG = "sagaline.outbox.cdc.database.dbname";
    /** The replication role. */
    public static final String CDC_USER_CONFIG = "sagaline.outbox.cdc.database.user";
    /** The replication role's password. */
    public static final String CDC_PASSWORD_CONFIG = "sagaline.outbox.cdc.database.password";
    private static final String CDC_DATABASE_DOC = "Where the CDC relay opens its replication connection; required with "
            + RELAY_CONFIG + "=cdc.";

    /** Keys under this prefix are the relay producer's settings. */
    public static final String PRODUCER_PREFIX = "producer.";

    /** The two relays. */
    public enum Relay {
        /** {@link PollingRelay}. */
        POLLING,
        /** {@link CdcRelay}. */
        CDC
    }

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(RELAY_CONFIG, Type.STRING, "polling", ConfigDef.ValidString.in("polling", "cdc"), Importance.HIGH, RELAY_DOC)
            .define(TABLE_CONFIG, Type.STRING, OutboxSchema.DEFAULT_OUTBOX_TABLE, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, TABLE_DOC)
            .define(POLLING_BATCH_SIZE_CONFIG, Type.INT, PollingRelay.DEFAULT_BATCH_SIZE, ConfigDef.Range.between(1, 10_000),
                    Importance.LOW, POLLING_BATCH_SIZE_DOC)
            .define(POLLING_INTERVAL_MS_CONFIG, Type.LONG, PollingRelay.DEFAULT_POLL_INTERVAL.toMillis(),
                    ConfigDef.Range.atLeast(1), Importance.LOW, POLLING_INTERVAL_MS_DOC)
            .define(POLLING_RETENTION_MS_CONFIG, Type.LONG, PollingRelay.DEFAULT_PUBLISHED_RETENTION.toMillis(),
                    ConfigDef.Range.atLeast(0), Importance.LOW, POLLING_RETENTION_MS_DOC)
            .define(CDC_NAME_CONFIG, Type.STRING, "sagaline-outbox", new ConfigDef.NonEmptyString(), Importance.MEDIUM, CDC_NAME_DOC)
            .define(CDC_SLOT_CONFIG, Type.STRING, CdcRelay.DEFAULT_SLOT_NAME, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    CDC_SLOT_DOC)
            .define(CDC_PUBLICATION_CONFIG, Type.STRING, CdcRelay.DEFAULT_SLOT_NAME, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, CDC_PUBLICATION_DOC)
            .define(CDC_OFFSETS_FLUSH_MS_CONFIG, Type.LONG, CdcRelay.DEFAULT_OFFSET_FLUSH_INTERVAL.toMillis(),
                    ConfigDef.Range.atLeast(1), Importance.LOW, CDC_OFFSETS_FLUSH_MS_DOC)
            .define(CDC_HOST_CONFIG, Type.STRING, "", Importance.HIGH, CDC_DATABASE_DOC)
            .define(CDC_PORT_CONFIG, Type.INT, 5432, ConfigDef.Range.between(1, 65_535), Importance.HIGH, CDC_DATABASE_DOC)
            .define(CDC_DATABASE_CONFIG, Type.STRING, "", Importance.HIGH, CDC_DATABASE_DOC)
            .define(CDC_USER_CONFIG, Type.STRING, "", Importance.HIGH, CDC_DATABASE_DOC)
            .define(CDC_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.HIGH, CDC_DATABASE_DOC);

    /**
     * @param props the relay's settings; keys neither declared here nor under {@value #PRODUCER_PREFIX} are ignored
     * @throws ConfigException naming the key of a missing or invalid value
     */
    public OutboxRelayConfig(Map<?, ?> props) {
        super(CONFIG, props, false);
        if (producerSettings().get("bootstrap.servers") == null) {
            throw new ConfigException(PRODUCER_PREFIX + "bootstrap.servers is required: the broker the relay publishes to");
        }
        if (relay() == Relay.CDC) {
            for (String key : new String[] {CDC_HOST_CONFIG, CDC_DATABASE_CONFIG, CDC_USER_CONFIG}) {
                if (getString(key).isBlank()) {
                    throw new ConfigException(key + " is required with " + RELAY_CONFIG + "=cdc: where the relay opens "
                            + "its replication connection");
                }
            }
        }
    }

    /** A copy of the declaration, to print the reference documentation from. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    public Relay relay() {
        return Relay.valueOf(getString(RELAY_CONFIG).toUpperCase(Locale.ROOT));
    }

    public String table() {
        return getString(TABLE_CONFIG);
    }

    public int batchSize() {
        return getInt(POLLING_BATCH_SIZE_CONFIG);
    }

    public Duration pollInterval() {
        return Duration.ofMillis(getLong(POLLING_INTERVAL_MS_CONFIG));
    }

    public Duration publishedRetention() {
        return Duration.ofMillis(getLong(POLLING_RETENTION_MS_CONFIG));
    }

    public String cdcName() {
        return getString(CDC_NAME_CONFIG);
    }

    public String slotName() {
        return getString(CDC_SLOT_CONFIG);
    }

    public String publicationName() {
        return getString(CDC_PUBLICATION_CONFIG);
    }

    public Duration offsetFlushInterval() {
        return Duration.ofMillis(getLong(CDC_OFFSETS_FLUSH_MS_CONFIG));
    }

    /** The replication connection's address; only meaningful with {@link Relay#CDC}. */
    public DatabaseAddress database() {
        Password password = getPassword(CDC_PASSWORD_CONFIG);
        return new DatabaseAddress(getString(CDC_HOST_CONFIG), getInt(CDC_PORT_CONFIG), getString(CDC_DATABASE_CONFIG),
                getString(CDC_USER_CONFIG), password == null ? "" : password.value());
    }

    /** The keys under {@value #PRODUCER_PREFIX}, without it. */
    public Map<String, Object> producerSettings() {
        return originalsWithPrefix(PRODUCER_PREFIX);
    }
}
