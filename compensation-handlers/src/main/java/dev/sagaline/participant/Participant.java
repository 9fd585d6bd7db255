package dev.sagaline.participant;

import dev.sagaline.participant.internals.DeadLetterDeserializationHandler;
import dev.sagaline.participant.internals.ThreadFailureResponse;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.topics.StoreRestoreLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A participant service's connection to sagas: a small exactly-once Kafka Streams application that
 * reads the service's step commands, calls the registered handlers and sends each reply to the
 * command's reply topic, in one Kafka transaction with the consumed offset and the participant's
 * memory of what it answered. No database is needed for the protocol's guarantees.
 *
 * <pre>{@code
 * Participant inventory = Participant.builder()
 *         .applicationId("inventory")
 *         .bootstrapServers("localhost:9092")
 *         .commandTopic("inventory.commands")
 *         .schemaRegistryUrl("http://registry:8081")
 *         .onDo("reserve-stock", ReserveStock.class, (order, ctx) -> StepResult.succeeded(stock.reserve(ctx.idempotencyKey(), order)))
 *         .onCompensate("reserve-stock", StockReservation.class, (reservation, ctx) -> { stock.release(reservation); return StepResult.succeeded(); })
 *         .build();
 * inventory.start();
 * Runtime.getRuntime().addShutdownHook(new Thread(inventory::close));
 * }</pre>
 *
 * <p>Defaults a participant sets unless a {@link Builder#property property} overrides them:
 * {@code processing.guarantee=exactly_once_v2}; {@code deserialization.exception.handler} sending
 * unreadable commands to the dead-letter topic, also given to Kafka Streams as
 * {@code errors.dead.letter.queue.topic.name}; {@code ensure.explicit.internal.resource.naming=true}.
 * Everything else passes through to Kafka Streams and its clients.
 */
public final class Participant implements AutoCloseable {

    /** How long {@link #close()} waits for the stream threads to finish their work and commit. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(Participant.class);

    private final ParticipantConfig config;
    private final ParticipantHandlers handlers;
    private final SchemaRegistry registry;
    private final Properties streamsProperties;
    private final StreamsUncaughtExceptionHandler uncaughtExceptionHandler;
    private volatile KafkaStreams streams;
    /** Opened once the streams first reach RUNNING or stop (ERROR, NOT_RUNNING), whichever comes first. */
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile boolean ran;

    private Participant(ParticipantConfig config, ParticipantHandlers handlers, SchemaRegistry registry,
            Properties streamsProperties, StreamsUncaughtExceptionHandler uncaughtExceptionHandler) {
        this.config = config;
        this.handlers = handlers;
        this.registry = registry;
        this.streamsProperties = streamsProperties;
        this.uncaughtExceptionHandler = uncaughtExceptionHandler;
    }

    /** Starts describing a participant. */
    public static Builder builder() {
        return new Builder();
    }

    /** The participant's own settings. */
    public ParticipantConfig config() {
        return config;
    }

    /** The registered handlers, for a {@link CommandDispatcher} outside Kafka. */
    public ParticipantHandlers handlers() {
        return handlers;
    }

    /** The schema registry commands, replies and payloads are read and written with. */
    public SchemaRegistry schemaRegistry() {
        return registry;
    }

    /** A new copy of the topology {@link #start()} runs. */
    public Topology buildTopology() {
        return ParticipantTopology.build(config, handlers, registry);
    }

    /** A copy of the properties {@link #start()} gives Kafka Streams, defaults included. */
    public Properties streamsProperties() {
        Properties copy = new Properties();
        copy.putAll(streamsProperties);
        return copy;
    }

    /**
     * Starts processing commands on background threads.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the key of an invalid Kafka Streams setting
     * @throws IllegalStateException when already started
     */
    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("participant '" + config.applicationId() + "' is already started");
        }
        KafkaStreams created = newStreams();
        streams = created;
        try {
            created.start();
        } catch (ProcessorStateException e) {
            // Kafka Streams opens every store it finds on disk before it starts a thread, and a
            // SIGKILL during a wipe or a store's creation can leave one RocksDB cannot open; it
            // would fail every start the same way. Everything local is a copy of the changelogs.
            log.warn("local state of participant '{}' cannot be opened ({}); deleting it: the stores are restored from their changelogs",
                    config.applicationId(), e.getMessage());
            streams = null; // its listener no longer answers for this participant
            created.close(DEFAULT_CLOSE_TIMEOUT);
            created = newStreams();
            streams = created;
            created.cleanUp();
            created.start();
        }
    }

    private KafkaStreams newStreams() {
        KafkaStreams created = new KafkaStreams(buildTopology(), streamsProperties());
        created.setUncaughtExceptionHandler(uncaughtExceptionHandler != null ? uncaughtExceptionHandler : new ThreadFailureResponse());
        created.setGlobalStateRestoreListener(new StoreRestoreLog(config.applicationId()));
        var fence = config.abandonedTransactionFence(streamsProperties, () -> created.metadataForLocalThreads().stream().map(t -> t.consumerClientId()).toList());
        created.setStateListener((now, before) -> {
            fence.ifPresent(f -> f.onStreamsState(now.name())); // closes it when the streams stop
            if (streams != created) {
                return; // an instance given up at start, closing
            }
            if (now == KafkaStreams.State.RUNNING) {
                ran = true;
                settled.countDown();
            } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                settled.countDown();
            }
        });
        return created;
    }

    /**
     * Waits until the participant has joined its group and processes commands (Kafka Streams'
     * RUNNING), so that a command sent next is not left waiting out a rebalance. Returns at once when
     * it has run before, even if it is rebalancing now.
     *
     * @throws IllegalStateException when not {@link #start() started}
     * @throws ParticipantNotRunningException when it does not run within {@code timeout}, or stops first
     */
    public Participant awaitRunning(Duration timeout) {
        KafkaStreams started;
        synchronized (this) {
            started = streams;
        }
        if (started == null) {
            throw new IllegalStateException("participant '" + config.applicationId() + "' is not started; call start() first");
        }
        try {
            if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ParticipantNotRunningException("participant '" + config.applicationId() + "' is not running after "
                        + timeout + "; state " + started.state());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParticipantNotRunningException("interrupted while waiting for participant '" + config.applicationId() + "'", e);
        }
        if (!ran) {
            throw new ParticipantNotRunningException("participant '" + config.applicationId() + "' stopped before it ran; state "
                    + started.state());
        }
        return this;
    }

    /** The Kafka Streams instance processing the commands, for its metrics; null before {@link #start()}. */
    public synchronized KafkaStreams streams() {
        return streams;
    }

    /** The Kafka Streams state; {@code CREATED} before {@link #start()}. */
    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /**
     * Stops processing: stream threads finish the command in hand and commit, then the clients
     * close. A dynamic member leaves the consumer group so its partitions move at once; a static
     * member ({@code group.instance.id}) stays, to take them back at once when it restarts.
     *
     * @return false when the threads did not stop within {@code timeout}
     */
    public synchronized boolean close(Duration timeout) {
        if (streams == null) {
            return true;
        }
        boolean staticMember = streamsProperties.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return streams.close(CloseOptions.timeout(timeout).withGroupMembershipOperation(
                staticMember ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP : CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    @Override
    public String toString() {
        return "Participant[" + config.applicationId() + " on " + config.commandTopic() + ", steps " + handlers.steps() + "]";
    }

    /**
     * Describes a participant: where it connects, what it reads, and its handlers. Setters for
     * the common settings are shortcuts for {@link #property}; the values are checked by
     * {@link #build()}.
     */
    public static final class Builder {

        private final Map<String, Object> properties = new LinkedHashMap<>();
        private final ParticipantHandlers.Builder handlers = ParticipantHandlers.builder();
        private boolean handlersRegisteredHere;
        private ParticipantHandlers prebuiltHandlers;
        private SchemaRegistry registry;
        private StreamsUncaughtExceptionHandler uncaughtExceptionHandler;
        private MeterRegistry meters;

        private Builder() {
        }

        /** {@value ParticipantConfig#APPLICATION_ID_CONFIG}: the service's name, such as {@code inventory}. */
        public Builder applicationId(String applicationId) {
            return property(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        }

        /** {@code bootstrap.servers}. */
        public Builder bootstrapServers(String bootstrapServers) {
            return property(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }

        /** {@value ParticipantConfig#COMMAND_TOPIC_CONFIG}. */
        public Builder commandTopic(String commandTopic) {
            return property(ParticipantConfig.COMMAND_TOPIC_CONFIG, commandTopic);
        }

        /** {@value ParticipantConfig#DEAD_LETTER_TOPIC_CONFIG}; defaults to {@code <application.id>.dlq}. */
        public Builder deadLetterTopic(String deadLetterTopic) {
            return property(ParticipantConfig.DEAD_LETTER_TOPIC_CONFIG, deadLetterTopic);
        }

        /** {@value ParticipantConfig#PROCESSED_RETENTION_MS_CONFIG}, counted from the saga's finish notice; defaults to 7 days. */
        public Builder processedRetention(Duration retention) {
            return property(ParticipantConfig.PROCESSED_RETENTION_MS_CONFIG, retention.toMillis());
        }

        /** {@value ParticipantConfig#PURGE_INTERVAL_MS_CONFIG}; defaults to 5 minutes. */
        public Builder purgeInterval(Duration interval) {
            return property(ParticipantConfig.PURGE_INTERVAL_MS_CONFIG, interval.toMillis());
        }

        /** {@value ParticipantConfig#PURGE_BATCH_CONFIG}; defaults to 10 000. */
        public Builder purgeBatch(int keys) {
            return property(ParticipantConfig.PURGE_BATCH_CONFIG, keys);
        }

        /** {@value ParticipantConfig#SCHEMA_REGISTRY_URL_CONFIG}; defaults to {@value SchemaRegistries#DEFAULT_URL}. */
        public Builder schemaRegistryUrl(String url) {
            return property(ParticipantConfig.SCHEMA_REGISTRY_URL_CONFIG, url);
        }

        /**
         * A registry instance to use instead of {@value ParticipantConfig#SCHEMA_REGISTRY_URL_CONFIG} and its
         * credential settings ({@code sagaline.schema.registry.basic.auth.user.info} and so on).
         */
        public Builder schemaRegistry(SchemaRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Any participant, Kafka Streams or client setting; a later value for the same key wins. */
        public Builder property(String key, Object value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, () -> "value of " + key));
            return this;
        }

        /** Every entry of {@code settings}, as with {@link #property}. */
        public Builder properties(Map<String, ?> settings) {
            settings.forEach(this::property);
            return this;
        }

        /** Registers a DO handler; see {@link ParticipantHandlers.Builder#onDo}. */
        public <I extends SpecificRecord> Builder onDo(String step, Class<I> inputType, StepHandler<I> handler) {
            handlers.onDo(step, inputType, handler);
            handlersRegisteredHere = true;
            return this;
        }

        /** Registers a compensation; see {@link ParticipantHandlers.Builder#onCompensate}. */
        public <I extends SpecificRecord> Builder onCompensate(String step, Class<I> inputType, CompensationHandler<I> handler) {
            handlers.onCompensate(step, inputType, handler);
            handlersRegisteredHere = true;
            return this;
        }

        /** Registers a TCC step; see {@link ParticipantHandlers.Builder#onTcc}. */
        public <I extends SpecificRecord> Builder onTcc(String step, Class<I> inputType, TccHandler<I> handler) {
            handlers.onTcc(step, inputType, handler);
            handlersRegisteredHere = true;
            return this;
        }

        /**
         * Uses handlers built elsewhere, such as a registry the service shares with its tests,
         * instead of {@code onDo}/{@code onCompensate}/{@code onTcc} on this builder.
         */
        public Builder handlers(ParticipantHandlers handlers) {
            this.prebuiltHandlers = Objects.requireNonNull(handlers, "handlers");
            return this;
        }

        /**
         * Times every handler call in {@code meters} ({@link ParticipantHandlers#measuredIn}), for
         * handler latency and outcome per step next to the service's other metrics.
         */
        public Builder meterRegistry(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters, "meters");
            return this;
        }

        /** What a stream thread's unexpected exception does; without one, a failure {@code ThreadFailures} calls transient replaces the thread and any other shuts the client down. */
        public Builder uncaughtExceptionHandler(StreamsUncaughtExceptionHandler handler) {
            this.uncaughtExceptionHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Checks the participant settings and the handlers. Kafka Streams' own settings are
         * checked by {@link Participant#start()}.
         *
         * @throws ConfigException naming the key of a missing or invalid setting
         * @throws InvalidParticipantException when the handlers do not make sense
         */
        public Participant build() {
            ParticipantConfig config = new ParticipantConfig(properties);
            Object kafkaDeadLetterTopic = properties.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
            if (kafkaDeadLetterTopic != null && !kafkaDeadLetterTopic.toString().equals(config.deadLetterTopic())) {
                throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " ('" + kafkaDeadLetterTopic
                        + "') must be unset or equal to " + ParticipantConfig.DEAD_LETTER_TOPIC_CONFIG + " ('"
                        + config.deadLetterTopic() + "'); set the participant's dead-letter topic with the latter");
            }
            if (prebuiltHandlers != null && handlersRegisteredHere) {
                throw new InvalidParticipantException("participant '" + config.applicationId() + "' got both handlers(...)"
                        + " and onDo/onCompensate/onTcc; register all handlers in one place");
            }
            ParticipantHandlers registered = prebuiltHandlers != null ? prebuiltHandlers : handlers.build();
            ParticipantHandlers built = meters == null ? registered : registered.measuredIn(meters);
            SchemaRegistry chosen = registry != null ? registry : config.schemaRegistry();
            return new Participant(config, built, chosen, streamsProperties(config), uncaughtExceptionHandler);
        }

        private Properties streamsProperties(ParticipantConfig config) {
            Properties streams = new Properties();
            streams.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            streams.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class.getName());
            streams.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.deadLetterTopic());
            streams.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
            // The participant's own keys are consumed here; passing them on would only make every client warn about them.
            Set<String> participantOnly = new HashSet<>(ParticipantConfig.configDef().names());
            participantOnly.addAll(ParticipantConfig.formerKeys());
            participantOnly.remove(ParticipantConfig.APPLICATION_ID_CONFIG);
            Map<String, Object> given = new LinkedHashMap<>();
            properties.forEach((key, value) -> {
                if (!participantOnly.contains(key)) {
                    given.put(key, value);
                }
            });
            streams.putAll(config.profile().applyTo(given));
            return streams;
        }
    }
}
