package dev.sagaline.orchestrator.runtime;

import dev.sagaline.orchestrator.errors.SagalineConfigException;
import dev.sagaline.schemas.registry.RegistryClientSettings;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.retry.RetryPolicy;
import dev.sagaline.topics.AbandonedTransactionFence;
import dev.sagaline.topics.ClientProfile;
import dev.sagaline.topics.RecordSizeCeiling;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Optional;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The orchestrator's configuration: Sagaline's own {@code sagaline.*} keys, declared once here
 * with type, default, validator and documentation, and every other key passed through to Kafka
 * Streams and its clients unchanged (so security and tuning settings need nothing from us).
 *
 * <p>Checked when built: a wrong value fails with a message that names the key. Any value, of
 * any key, may name a variable of Kafka's {@code config.providers} ({@code ${env:NAME}} with
 * {@code EnvVarConfigProvider}, {@code ${file:PATH:KEY}} with {@code FileConfigProvider}), so
 * secrets need not be written into the configuration itself.
 */
public final class SagalineConfig extends AbstractConfig {

    public static final String REQUESTS_TOPIC_CONFIG = "sagaline.topic.requests";
    private static final String REQUESTS_TOPIC_DOC = "Topic of start, abort and retry requests (SagaRequest), keyed by saga id.";

    public static final String REPLIES_TOPIC_CONFIG = "sagaline.topic.replies";
    private static final String REPLIES_TOPIC_DOC = "Topic participants reply on (StepReply), keyed by saga id; co-partitioned with the requests topic.";

    public static final String EVENTS_TOPIC_CONFIG = "sagaline.topic.events";
    private static final String EVENTS_TOPIC_DOC = "Audit topic: one SagaEvent per saga transition, keyed by saga id.";

    public static final String DEAD_LETTER_TOPIC_CONFIG = "sagaline.topic.dead.letter";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic of input records the orchestrator cannot use, with the reason in headers.";

    public static final String STEP_TIMEOUT_MS_CONFIG = "sagaline.step.timeout.ms";
    private static final String STEP_TIMEOUT_MS_DOC = "Default time one attempt of a step's command waits for its reply before it counts as timed out.";

    public static final String STEP_MAX_ATTEMPTS_CONFIG = "sagaline.step.max.attempts";
    private static final String STEP_MAX_ATTEMPTS_DOC = "Default attempts of a forward action (DO, TRY) of compensatable, TCC and pivot steps.";

    public static final String RETRIABLE_MAX_ATTEMPTS_CONFIG = "sagaline.retriable.max.attempts";
    private static final String RETRIABLE_MAX_ATTEMPTS_DOC = "Default attempts of a retriable step (transient errors and timeouts) before the saga is STUCK; 0 means no limit. A FAILED reply makes the saga STUCK at once.";

    public static final String UNDO_MAX_ATTEMPTS_CONFIG = "sagaline.undo.max.attempts";
    private static final String UNDO_MAX_ATTEMPTS_DOC = "Default attempts of COMPENSATE, CANCEL and CONFIRM before the saga is STUCK until an operator retries it.";

    public static final String RETRY_BACKOFF_MS_CONFIG = "sagaline.retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "Default wait before the second attempt of any action.";

    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "sagaline.retry.backoff.max.ms";
    private static final String RETRY_BACKOFF_MAX_MS_DOC = "Longest wait between attempts.";

    public static final String RETRY_BACKOFF_MULTIPLIER_CONFIG = "sagaline.retry.backoff.multiplier";
    private static final String RETRY_BACKOFF_MULTIPLIER_DOC = "Growth of the wait from one attempt to the next.";

    public static final String RETRY_JITTER_CONFIG = "sagaline.retry.jitter";
    private static final String RETRY_JITTER_DOC = "Fraction of each wait spread per command, so sagas failing together do not retry together.";

    public static final String TIMER_SCAN_INTERVAL_MS_CONFIG = "sagaline.timer.scan.interval.ms";
    private static final String TIMER_SCAN_INTERVAL_MS_DOC = "How often (wall clock) the timer store is scanned for due timeouts, retries, deadlines and purges. Must not exceed sagaline.step.timeout.ms.";

    public static final String TIMER_SCAN_BATCH_CONFIG = "sagaline.timer.scan.batch";
    private static final String TIMER_SCAN_BATCH_DOC = "Most timers fired per scan per task, so a backlog after a long pause does not block processing; the rest fire on the next scans.";

    public static final String FINISHED_RETENTION_MS_CONFIG = "sagaline.finished.retention.ms";
    private static final String FINISHED_RETENTION_MS_DOC = "How long a COMPLETED or COMPENSATED saga stays queryable in the state store before it is purged.";

    public static final String IN_DOUBT_MAX_MS_CONFIG = "sagaline.in.doubt.max.ms";
    private static final String IN_DOUBT_MAX_MS_DOC = "How long the command of a step that cannot be undone (the pivot) is sent again, with the same id, while its outcome is unknown, before the saga goes STUCK with reason 'pivot in doubt' for an operator to resolve.";

    public static final String FINISHED_IDS_RETENTION_MS_CONFIG = "sagaline.finished.ids.retention.ms";
    private static final String FINISHED_IDS_RETENTION_MS_DOC = "How long after a saga finished its id and outcome are kept, so a duplicate start is ignored instead of running the saga again. Counted from the finish; at least sagaline.finished.retention.ms, and no shorter than the participants' sagaline.participant.processed.retention.ms (counted from the same finish).";

    public static final String RECORD_MAX_BYTES_CONFIG = "sagaline.record.max.bytes";
    private static final String RECORD_MAX_BYTES_DOC = "Largest saga state, command or event (key and value) the orchestrator writes. A saga whose next record "
            + "would be larger is STUCK, with an event giving the reason, instead of failing the write and stopping the instance. "
            + "Keep it below the producer's max.request.size and the topics' max.message.bytes, less about 1 kB of record overhead.";

    /** Declared by {@link SchemaRegistries#defineUrl}, the one declaration the participants use too. */
    public static final String SCHEMA_REGISTRY_URL_CONFIG = SchemaRegistries.URL_CONFIG;

    public static final String TOPIC_PARTITIONS_CONFIG = "sagaline.topic.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partitions of the topics the app creates when missing.";

    public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "sagaline.topic.replication.factor";
    private static final String TOPIC_REPLICATION_FACTOR_DOC = "Replication factor of the topics the app creates when missing.";

    public static final String CONNECT_TIMEOUT_MS_CONFIG = "sagaline.connect.timeout.ms";
    private static final String CONNECT_TIMEOUT_MS_DOC = "How long start-up waits for the Kafka cluster at bootstrap.servers to answer before it stops, naming the address.";

    public static final String HTTP_BIND_ADDRESS_CONFIG = "sagaline.http.bind.address";
    private static final String HTTP_BIND_ADDRESS_DOC = "Address the app's HTTP server (query API, operator requests, health, metrics, timeline page) listens on; the default keeps it to this machine.";

    public static final String HTTP_PORT_CONFIG = "sagaline.http.port";
    private static final String HTTP_PORT_DOC = "Port of the app's HTTP server; 0 picks a free port, -1 runs no server.";

    public static final String HTTP_AUTH_TOKEN_CONFIG = "sagaline.http.auth.token";
    private static final String HTTP_AUTH_TOKEN_DOC = "When set, operator requests (POST) must carry the header 'Authorization: Bearer TOKEN'; reads stay open.";

    /** {@value ClientProfile#CONFIG}: one word that tunes Kafka Streams and its clients, the same key the participants read. */
    public static final String PROFILE_CONFIG = ClientProfile.CONFIG;

    /** {@value AbandonedTransactionFence#CONFIG}: fence the open transactions killed instances left, the same key the participants read. */
    public static final String FENCE_ABANDONED_TRANSACTIONS_CONFIG = AbandonedTransactionFence.CONFIG;

    // The registry's URL, credentials and TLS trust are declared with the registry client, for participants too.
    private static final ConfigDef DEFINITION = AbandonedTransactionFence.define(ClientProfile.define(RegistryClientSettings.addTo(SchemaRegistries.defineUrl(new ConfigDef()
            .define(REQUESTS_TOPIC_CONFIG, Type.STRING, "sagaline.requests", new ConfigDef.NonEmptyString(), Importance.HIGH, REQUESTS_TOPIC_DOC)
            .define(REPLIES_TOPIC_CONFIG, Type.STRING, "sagaline.replies", new ConfigDef.NonEmptyString(), Importance.HIGH, REPLIES_TOPIC_DOC)
            .define(EVENTS_TOPIC_CONFIG, Type.STRING, "sagaline.events", new ConfigDef.NonEmptyString(), Importance.HIGH, EVENTS_TOPIC_DOC)
            .define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, "sagaline.dead-letter", new ConfigDef.NonEmptyString(), Importance.HIGH, DEAD_LETTER_TOPIC_DOC)
            .define(STEP_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1), Importance.HIGH, STEP_TIMEOUT_MS_DOC)
            .define(STEP_MAX_ATTEMPTS_CONFIG, Type.INT, 3, ConfigDef.Range.atLeast(1), Importance.MEDIUM, STEP_MAX_ATTEMPTS_DOC)
            .define(RETRIABLE_MAX_ATTEMPTS_CONFIG, Type.INT, 10, ConfigDef.Range.atLeast(0), Importance.MEDIUM, RETRIABLE_MAX_ATTEMPTS_DOC)
            .define(UNDO_MAX_ATTEMPTS_CONFIG, Type.INT, 10, ConfigDef.Range.atLeast(1), Importance.MEDIUM, UNDO_MAX_ATTEMPTS_DOC)
            .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 1_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM, RETRY_BACKOFF_MS_DOC)
            .define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.atLeast(0), Importance.LOW, RETRY_BACKOFF_MAX_MS_DOC)
            .define(RETRY_BACKOFF_MULTIPLIER_CONFIG, Type.DOUBLE, 2.0, ConfigDef.Range.atLeast(1), Importance.LOW, RETRY_BACKOFF_MULTIPLIER_DOC)
            .define(RETRY_JITTER_CONFIG, Type.DOUBLE, 0.2, ConfigDef.Range.between(0, 1), Importance.LOW, RETRY_JITTER_DOC)
            .define(TIMER_SCAN_INTERVAL_MS_CONFIG, Type.LONG, 100L, ConfigDef.Range.atLeast(1), Importance.LOW, TIMER_SCAN_INTERVAL_MS_DOC)
            .define(TIMER_SCAN_BATCH_CONFIG, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW, TIMER_SCAN_BATCH_DOC)
            .define(FINISHED_RETENTION_MS_CONFIG, Type.LONG, Duration.ofDays(1).toMillis(), ConfigDef.Range.atLeast(0), Importance.MEDIUM, FINISHED_RETENTION_MS_DOC)
            .define(IN_DOUBT_MAX_MS_CONFIG, Type.LONG, Duration.ofMinutes(10).toMillis(), ConfigDef.Range.atLeast(0), Importance.MEDIUM, IN_DOUBT_MAX_MS_DOC)
            .define(FINISHED_IDS_RETENTION_MS_CONFIG, Type.LONG, Duration.ofDays(7).toMillis(), ConfigDef.Range.atLeast(0), Importance.MEDIUM, FINISHED_IDS_RETENTION_MS_DOC)
            .define(RECORD_MAX_BYTES_CONFIG, Type.INT, 1_000_000, ConfigDef.Range.atLeast(1024), Importance.MEDIUM, RECORD_MAX_BYTES_DOC))
            .define(TOPIC_PARTITIONS_CONFIG, Type.INT, 6, ConfigDef.Range.atLeast(1), Importance.MEDIUM, TOPIC_PARTITIONS_DOC)
            .define(TOPIC_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) 1, ConfigDef.Range.atLeast(1), Importance.MEDIUM, TOPIC_REPLICATION_FACTOR_DOC)
            .define(CONNECT_TIMEOUT_MS_CONFIG, Type.LONG, 15_000L, ConfigDef.Range.atLeast(1), Importance.MEDIUM, CONNECT_TIMEOUT_MS_DOC)
            .define(HTTP_BIND_ADDRESS_CONFIG, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.MEDIUM, HTTP_BIND_ADDRESS_DOC)
            .define(HTTP_PORT_CONFIG, Type.INT, 8080, ConfigDef.Range.between(-1, 65_535), Importance.MEDIUM, HTTP_PORT_DOC)
            .define(HTTP_AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, HTTP_AUTH_TOKEN_DOC))));

    private final Map<String, Object> streamsProperties;
    private final RegistryClientSettings registryClient;

    private SagalineConfig(Map<String, ?> props) {
        super(DEFINITION, props, false);
        this.registryClient = new RegistryClientSettings(this);
        if (getLong(TIMER_SCAN_INTERVAL_MS_CONFIG) > getLong(STEP_TIMEOUT_MS_CONFIG)) {
            throw new SagalineConfigException(TIMER_SCAN_INTERVAL_MS_CONFIG + "=" + getLong(TIMER_SCAN_INTERVAL_MS_CONFIG)
                    + " must not exceed " + STEP_TIMEOUT_MS_CONFIG + "=" + getLong(STEP_TIMEOUT_MS_CONFIG)
                    + ": timeouts would fire up to a whole scan late");
        }
        if (getLong(RETRY_BACKOFF_MAX_MS_CONFIG) < getLong(RETRY_BACKOFF_MS_CONFIG)) {
            throw new SagalineConfigException(RETRY_BACKOFF_MAX_MS_CONFIG + "=" + getLong(RETRY_BACKOFF_MAX_MS_CONFIG)
                    + " must not be less than " + RETRY_BACKOFF_MS_CONFIG + "=" + getLong(RETRY_BACKOFF_MS_CONFIG));
        }
        if (getLong(FINISHED_IDS_RETENTION_MS_CONFIG) < getLong(FINISHED_RETENTION_MS_CONFIG)) {
            throw new SagalineConfigException(FINISHED_IDS_RETENTION_MS_CONFIG + "=" + getLong(FINISHED_IDS_RETENTION_MS_CONFIG)
                    + " must not be less than " + FINISHED_RETENTION_MS_CONFIG + "=" + getLong(FINISHED_RETENTION_MS_CONFIG)
                    + ": a finished saga's id must outlive its details");
        }
        RecordSizeCeiling.conflict(RECORD_MAX_BYTES_CONFIG, getInt(RECORD_MAX_BYTES_CONFIG), props).ifPresent(problem -> {
            throw new SagalineConfigException(problem);
        });
        Map<String, Object> streams = new HashMap<>();
        streams.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // originals() holds the values with config.providers variables (${env:X}, ${file:F:K})
        // resolved; the providers themselves are not handed on, so no value is resolved twice.
        originals().forEach((k, v) -> {
            if (!k.startsWith("sagaline.") && !k.startsWith(CONFIG_PROVIDERS_CONFIG)) {
                streams.put(k, v);
            }
        });
        this.streamsProperties = Map.copyOf(profile().applyTo(streams));
    }

    /**
     * Reads and checks a configuration.
     *
     * @throws SagalineConfigException naming the key when a value is missing, of the wrong type or out of range
     */
    public static SagalineConfig of(Map<String, ?> props) {
        for (String key : props.keySet()) {
            if (key.startsWith("sagaline.") && !DEFINITION.names().contains(key)) {
                throw new SagalineConfigException("unknown setting '" + key + "'; known sagaline.* settings are " + new java.util.TreeSet<>(DEFINITION.names()));
            }
        }
        try {
            return new SagalineConfig(props);
        } catch (ConfigException e) {
            throw new SagalineConfigException(e.getMessage());
        }
    }

    /** Reads and checks a configuration from properties. */
    public static SagalineConfig of(Properties props) {
        Map<String, Object> map = new HashMap<>();
        props.forEach((k, v) -> map.put(String.valueOf(k), v));
        return of(map);
    }

    /** The declaration of every {@code sagaline.*} key, e.g. to print the reference documentation. */
    public static ConfigDef configDef() {
        return new ConfigDef(DEFINITION);
    }

    /**
     * The settings handed to Kafka Streams: every non-{@code sagaline.*} key, with {@code exactly_once_v2}
     * unless overridden, and the {@link #profile() profile's} settings for the keys not given.
     */
    public Map<String, Object> streamsProperties() {
        return streamsProperties;
    }

    /**
     * The fence that ends the open transactions killed instances of the Kafka Streams application
     * run with {@code streamsProperties} left behind; empty when {@value #FENCE_ABANDONED_TRANSACTIONS_CONFIG}
     * is false. {@code ownClientIds} gives this process's stream threads' consumer client ids.
     */
    public Optional<AbandonedTransactionFence> abandonedTransactionFence(Map<?, ?> streamsProperties, Supplier<Collection<String>> ownClientIds) {
        return AbandonedTransactionFence.forStreams(getBoolean(FENCE_ABANDONED_TRANSACTIONS_CONFIG), streamsProperties, ownClientIds);
    }

    /** The profile whose settings {@link #streamsProperties()} holds where none were given explicitly. */
    public ClientProfile profile() {
        return ClientProfile.named(getString(PROFILE_CONFIG));
    }

    /** The topics the orchestrator reads and writes. */
    public SagaTopics topics() {
        return new SagaTopics(getString(REQUESTS_TOPIC_CONFIG), getString(REPLIES_TOPIC_CONFIG),
                getString(EVENTS_TOPIC_CONFIG), getString(DEAD_LETTER_TOPIC_CONFIG));
    }

    /** Default per-attempt timeout of step commands. */
    public Duration stepTimeout() {
        return Duration.ofMillis(getLong(STEP_TIMEOUT_MS_CONFIG));
    }

    /** Default retry policy of forward actions of compensatable, TCC and pivot steps. */
    public RetryPolicy forwardRetry() {
        return retry(getInt(STEP_MAX_ATTEMPTS_CONFIG));
    }

    /** Default retry policy of retriable steps. */
    public RetryPolicy retriableRetry() {
        int max = getInt(RETRIABLE_MAX_ATTEMPTS_CONFIG);
        return retry(max == 0 ? RetryPolicy.UNLIMITED : max);
    }

    /** Default retry policy of COMPENSATE, CANCEL and CONFIRM. */
    public RetryPolicy undoRetry() {
        return retry(getInt(UNDO_MAX_ATTEMPTS_CONFIG));
    }

    /** How often the timer store is scanned. */
    public Duration timerScanInterval() {
        return Duration.ofMillis(getLong(TIMER_SCAN_INTERVAL_MS_CONFIG));
    }

    /** Most timers fired per scan per task. */
    public int timerScanBatch() {
        return getInt(TIMER_SCAN_BATCH_CONFIG);
    }

    /** How long finished sagas stay in the store. */
    public Duration finishedRetention() {
        return Duration.ofMillis(getLong(FINISHED_RETENTION_MS_CONFIG));
    }

    /** How long an in-doubt command is sent again before the saga goes STUCK. */
    public Duration inDoubtMax() {
        return Duration.ofMillis(getLong(IN_DOUBT_MAX_MS_CONFIG));
    }

    /** How long a finished saga's id is kept to recognise duplicate starts, counted from its finish. */
    public Duration finishedIdsRetention() {
        return Duration.ofMillis(getLong(FINISHED_IDS_RETENTION_MS_CONFIG));
    }

    /** How long start-up waits for the cluster to answer. */
    public Duration connectTimeout() {
        return Duration.ofMillis(getLong(CONNECT_TIMEOUT_MS_CONFIG));
    }

    /** Largest record the orchestrator writes. */
    public int recordMaxBytes() {
        return getInt(RECORD_MAX_BYTES_CONFIG);
    }

    /** The schema registry URL. */
    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    /** A client of the schema registry at {@link #schemaRegistryUrl()}, with the configured credentials and TLS trust. */
    public SchemaRegistry schemaRegistry() {
        return registryClient.schemaRegistry(schemaRegistryUrl());
    }

    /** The address the HTTP server listens on. */
    public String httpBindAddress() {
        return getString(HTTP_BIND_ADDRESS_CONFIG);
    }

    /** The HTTP server's port: 0 for any free one, -1 for no server. */
    public int httpPort() {
        return getInt(HTTP_PORT_CONFIG);
    }

    /** The bearer token operator requests must carry, if one is set. */
    public Optional<String> httpAuthToken() {
        Password token = getPassword(HTTP_AUTH_TOKEN_CONFIG);
        return token == null || token.value().isEmpty() ? Optional.empty() : Optional.of(token.value());
    }

    private RetryPolicy retry(int maxAttempts) {
        return new RetryPolicy(maxAttempts, Duration.ofMillis(getLong(RETRY_BACKOFF_MS_CONFIG)), getDouble(RETRY_BACKOFF_MULTIPLIER_CONFIG),
                Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS_CONFIG)), getDouble(RETRY_JITTER_CONFIG));
    }
}
