package dev.sagaline.participant;

import dev.sagaline.schemas.registry.RegistryClientSettings;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.topics.AbandonedTransactionFence;
import dev.sagaline.topics.ClientProfile;
import dev.sagaline.topics.RecordSizeCeiling;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant's own settings, declared once with their type, default, validation and
 * documentation. Every other key given to a participant is passed to Kafka Streams and its clients
 * unchanged, so any Streams, consumer or producer setting can be tuned.
 *
 * <p>Built from the participant's whole property map; an invalid value fails with Kafka's
 * {@link ConfigException}, whose message names the key (and, for rules across keys, both keys).
 * {@link #configDef()} can print the reference, e.g. with {@code toHtml()}.
 */
public final class ParticipantConfig extends AbstractConfig {

    /** Kafka Streams' {@code application.id}: names the consumer group, the transactional ids and the default dead-letter topic. */
    public static final String APPLICATION_ID_CONFIG = StreamsConfig.APPLICATION_ID_CONFIG;
    private static final String APPLICATION_ID_DOC = "The Kafka Streams application id of the participant service,"
            + " such as 'inventory'. It names the consumer group, the state stores' changelog topics and the default"
            + " dead-letter topic; changing it starts the participant with no memory of answered commands.";

    /** The topic the orchestrator sends this service's step commands to. */
    public static final String COMMAND_TOPIC_CONFIG = "sagaline.participant.topic.commands";
    private static final String COMMAND_TOPIC_DOC = "The topic the orchestrator sends this service's StepCommands"
            + " to, keyed by saga id. Replies go to each command's own replyTopic.";

    /** Where unreadable and unroutable commands go; empty means {@code <application.id>.dlq}. */
    public static final String DEAD_LETTER_TOPIC_CONFIG = "sagaline.participant.topic.dead.letter";
    private static final String DEAD_LETTER_TOPIC_DOC = "The topic that receives commands the participant cannot"
            + " answer (unreadable, no handler for the step, unknown action, no reply topic), with the reason in the"
            + " sagaline.dlq.reason and sagaline.dlq.detail headers. Empty selects the application id followed by"
            + " '.dlq', such as 'inventory.dlq'. Also given to Kafka Streams as errors.dead.letter.queue.topic.name.";
    private static final String DEAD_LETTER_SUFFIX = ".dlq";

    /** How long answered commands and step states are remembered after their saga finished. */
    public static final String PROCESSED_RETENTION_MS_CONFIG = "sagaline.participant.processed.retention.ms";
    private static final String PROCESSED_RETENTION_MS_DOC = "How long the participant remembers the reply to each"
            + " command id and the state of each saga step after the orchestrator's finish notice (FORGET) for the"
            + " saga, counted from the notice or a later write. Entries of a saga that has not finished are never"
            + " removed by time, as it may still send a compensation or confirmation. A duplicate command arriving"
            + " after this is handled as new, so keep it longer than any redelivery delay; the orchestrator's"
            + " sagaline.finished.ids.retention.ms must not be shorter.";
    private static final long DEFAULT_PROCESSED_RETENTION_MS = Duration.ofDays(7).toMillis();

    /** How often expired entries are purged. */
    public static final String PURGE_INTERVAL_MS_CONFIG = "sagaline.participant.purge.interval.ms";
    private static final String PURGE_INTERVAL_MS_DOC = "How often (wall-clock time) each stream task removes the"
            + " entries older than sagaline.participant.processed.retention.ms. Must not exceed the retention.";
    private static final long DEFAULT_PURGE_INTERVAL_MS = Duration.ofMinutes(5).toMillis();

    /** How many expired index keys one purge visits at most. */
    public static final String PURGE_BATCH_CONFIG = "sagaline.participant.purge.batch";
    private static final String PURGE_BATCH_DOC = "The most expired index keys one purge punctuation deletes, in one"
            + " transaction with the task's other writes; the rest go on the next punctuations, so a backlog of"
            + " expired entries never makes one commit large. A finished saga's keys go together, so a purge may pass"
            + " it by one saga's keys.";
    private static final int DEFAULT_PURGE_BATCH = 10_000;

    /** The largest reply the participant sends; a larger one is answered FAILED instead. */
    public static final String REPLY_MAX_BYTES_CONFIG = "sagaline.participant.reply.max.bytes";
    private static final String REPLY_MAX_BYTES_DOC = "Largest reply (key and value, as serialized) the participant sends"
            + " and stores. A handler whose reply would be larger has its step answered FAILED with errorCode"
            + " SAGALINE_REPLY_TOO_LARGE, and the command goes to the dead-letter topic, instead of the producer refusing"
            + " the reply on every retry. Keep it below the producer's max.request.size and the reply topics' and"
            + " changelogs' max.message.bytes, less about 1 kB of record overhead.";

    /** The schema registry holding the protocol's and the service's payload schemas; declared by {@link SchemaRegistries#defineUrl}. */
    public static final String SCHEMA_REGISTRY_URL_CONFIG = SchemaRegistries.URL_CONFIG;

    /**
     * Former names of keys, renamed so that every topic key reads {@code sagaline[.participant].topic.<role>}
     * like the orchestrator's; a former name still works, with a warning naming the new one.
     */
    private static final Map<String, String> RENAMED = Map.of(
            "sagaline.participant.command.topic", COMMAND_TOPIC_CONFIG,
            "sagaline.participant.dead.letter.topic", DEAD_LETTER_TOPIC_CONFIG);

    private static final Logger log = LoggerFactory.getLogger(ParticipantConfig.class);

    /** {@value ClientProfile#CONFIG}: one word that tunes Kafka Streams and its clients, the same key the orchestrator reads. */
    public static final String PROFILE_CONFIG = ClientProfile.CONFIG;

    /** {@value AbandonedTransactionFence#CONFIG}: fence the open transactions killed instances left, the same key the orchestrator reads. */
    public static final String FENCE_ABANDONED_TRANSACTIONS_CONFIG = AbandonedTransactionFence.CONFIG;

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    // The registry's URL, credentials and TLS trust are declared with the registry client, for the orchestrator too.
    private static final ConfigDef CONFIG = AbandonedTransactionFence.define(ClientProfile.define(RegistryClientSettings.addTo(SchemaRegistries.defineUrl(new ConfigDef()
            .define(APPLICATION_ID_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, APPLICATION_ID_DOC)
            .define(COMMAND_TOPIC_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, topicName(false),
                    Importance.HIGH, COMMAND_TOPIC_DOC)
            .define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, "", topicName(true),
                    Importance.MEDIUM, DEAD_LETTER_TOPIC_DOC)
            .define(PROCESSED_RETENTION_MS_CONFIG, Type.LONG, DEFAULT_PROCESSED_RETENTION_MS, ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM, PROCESSED_RETENTION_MS_DOC)
            .define(PURGE_INTERVAL_MS_CONFIG, Type.LONG, DEFAULT_PURGE_INTERVAL_MS, ConfigDef.Range.atLeast(1),
                    Importance.LOW, PURGE_INTERVAL_MS_DOC)
            .define(PURGE_BATCH_CONFIG, Type.INT, DEFAULT_PURGE_BATCH, ConfigDef.Range.atLeast(1),
                    Importance.LOW, PURGE_BATCH_DOC)
            .define(REPLY_MAX_BYTES_CONFIG, Type.INT, 1_000_000, ConfigDef.Range.atLeast(1024),
                    Importance.MEDIUM, REPLY_MAX_BYTES_DOC)))));

    private final RegistryClientSettings registryClient;

    /**
     * @param props the participant's whole property map; keys not declared here are ignored
     * @throws ConfigException naming the key of a missing or invalid value
     */
    public ParticipantConfig(Map<?, ?> props) {
        super(CONFIG, withRenamedKeys(props), false);
        this.registryClient = new RegistryClientSettings(this);
        if (getLong(PURGE_INTERVAL_MS_CONFIG) > getLong(PROCESSED_RETENTION_MS_CONFIG)) {
            throw new ConfigException(PURGE_INTERVAL_MS_CONFIG + " (" + getLong(PURGE_INTERVAL_MS_CONFIG)
                    + ") must not exceed " + PROCESSED_RETENTION_MS_CONFIG + " (" + getLong(PROCESSED_RETENTION_MS_CONFIG)
                    + "), or entries would outlive their retention by more than the retention itself");
        }
        RecordSizeCeiling.conflict(REPLY_MAX_BYTES_CONFIG, replyMaxBytes(), props).ifPresent(problem -> {
            throw new ConfigException(problem);
        });
        if (deadLetterTopic().equals(commandTopic())) {
            throw new ConfigException(DEAD_LETTER_TOPIC_CONFIG + " must differ from " + COMMAND_TOPIC_CONFIG + " ('"
                    + commandTopic() + "'), or dead-lettered commands would be read again forever");
        }
    }

    /** The former names of keys, still read (see {@link #withRenamedKeys}); never passed to Kafka Streams. */
    static Set<String> formerKeys() {
        return RENAMED.keySet();
    }

    /** {@code props} with each former key under its new name, warning once for each former key found. */
    private static Map<Object, Object> withRenamedKeys(Map<?, ?> props) {
        Map<Object, Object> renamed = new HashMap<>(props);
        RENAMED.forEach((former, current) -> {
            if (!renamed.containsKey(former)) {
                return;
            }
            Object value = renamed.remove(former);
            Object given = renamed.putIfAbsent(current, value);
            if (given != null && !given.equals(value)) {
                throw new ConfigException(former + " ('" + value + "') is the former name of " + current + " ('" + given
                        + "'); set only " + current);
            }
            log.warn("'{}' is deprecated; use '{}'", former, current);
        });
        return renamed;
    }

    /** A copy of the declaration, to print the reference documentation from. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    public String applicationId() {
        return getString(APPLICATION_ID_CONFIG);
    }

    public String commandTopic() {
        return getString(COMMAND_TOPIC_CONFIG);
    }

    /** The configured dead-letter topic, or {@code <application.id>.dlq}. */
    public String deadLetterTopic() {
        String configured = getString(DEAD_LETTER_TOPIC_CONFIG);
        return configured.isEmpty() ? applicationId() + DEAD_LETTER_SUFFIX : configured;
    }

    public Duration processedRetention() {
        return Duration.ofMillis(getLong(PROCESSED_RETENTION_MS_CONFIG));
    }

    public Duration purgeInterval() {
        return Duration.ofMillis(getLong(PURGE_INTERVAL_MS_CONFIG));
    }

    public int purgeBatch() {
        return getInt(PURGE_BATCH_CONFIG);
    }

    /** The largest reply, key and value, the participant sends ({@value #REPLY_MAX_BYTES_CONFIG}). */
    public int replyMaxBytes() {
        return getInt(REPLY_MAX_BYTES_CONFIG);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    /** A client of the registry at {@link #schemaRegistryUrl()}, with the configured credentials and TLS trust. */
    public SchemaRegistry schemaRegistry() {
        return registryClient.schemaRegistry(schemaRegistryUrl());
    }

    /**
     * The fence that ends the open transactions killed instances of the Kafka Streams application
     * run with {@code streamsProperties} left behind; empty when {@value #FENCE_ABANDONED_TRANSACTIONS_CONFIG}
     * is false. {@code ownClientIds} gives this process's stream threads' consumer client ids.
     */
    public Optional<AbandonedTransactionFence> abandonedTransactionFence(Map<?, ?> streamsProperties, Supplier<Collection<String>> ownClientIds) {
        return AbandonedTransactionFence.forStreams(getBoolean(FENCE_ABANDONED_TRANSACTIONS_CONFIG), streamsProperties, ownClientIds);
    }

    /** The profile whose settings the participant gives Kafka Streams where none were given explicitly. */
    public ClientProfile profile() {
        return ClientProfile.named(getString(PROFILE_CONFIG));
    }

    private static ConfigDef.Validator topicName(boolean emptyAllowed) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String topic = (String) value;
                if (topic == null || (topic.isEmpty() && !emptyAllowed) || (!topic.isEmpty() && !TOPIC_NAME.matcher(topic).matches())) {
                    throw new ConfigException(name, value, "must be a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -"
                            + (emptyAllowed ? ", or empty for the default" : ""));
                }
            }

            @Override
            public String toString() {
                return "a topic name" + (emptyAllowed ? " or empty" : "");
            }
        };
    }
}
