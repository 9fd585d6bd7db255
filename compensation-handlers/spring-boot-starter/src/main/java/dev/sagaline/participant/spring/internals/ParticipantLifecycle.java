package dev.sagaline.participant.spring.internals;

import dev.sagaline.participant.Participant;
import dev.sagaline.participant.spring.SagalineParticipantProperties;
import dev.sagaline.schemas.registry.SchemaRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The participant, built and started when the application context has created every bean, and
 * closed when the context closes: stream threads finish the command in hand and commit first.
 */
public final class ParticipantLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ParticipantLifecycle.class);

    private final SagalineParticipantProperties properties;
    private final HandlerMethods handlerMethods;
    private final SchemaRegistry schemaRegistry;
    private final HandlerObserver observer;
    private volatile Participant participant;

    /**
     * @param schemaRegistry the application's registry bean; null to take {@code schema-registry-url}
     */
    public ParticipantLifecycle(SagalineParticipantProperties properties, HandlerMethods handlerMethods, SchemaRegistry schemaRegistry,
                                HandlerObserver observer) {
        this.properties = properties;
        this.handlerMethods = handlerMethods;
        this.schemaRegistry = schemaRegistry;
        this.observer = observer;
    }

    /**
     * Builds the participant from the settings and the handler methods, and starts it.
     *
     * @throws dev.sagaline.participant.InvalidParticipantException or Kafka's ConfigException naming the setting or the methods
     */
    @Override
    public synchronized void start() {
        if (participant != null) {
            return;
        }
        Participant.Builder builder = Participant.builder()
                .applicationId(properties.applicationId())
                .bootstrapServers(properties.bootstrapServers())
                .commandTopic(properties.commandTopic())
                .properties(properties.properties())
                .handlers(handlerMethods.handlers(observer));
        if (!properties.deadLetterTopic().isBlank()) {
            builder.deadLetterTopic(properties.deadLetterTopic());
        }
        if (properties.processedRetention() != null) {
            builder.processedRetention(properties.processedRetention());
        }
        if (schemaRegistry != null && properties.schemaRegistryUrl().isBlank()) {
            builder.schemaRegistry(schemaRegistry);
        } else if (!properties.schemaRegistryUrl().isBlank()) {
            builder.schemaRegistryUrl(properties.schemaRegistryUrl());
        }
        Participant built = builder.build();
        built.start();
        participant = built;
        observer.started(built.streams());
        log.info("Sagaline participant started: {}", built);
    }

    @Override
    public synchronized void stop() {
        Participant running = participant;
        if (running == null) {
            return;
        }
        participant = null;
        if (!running.close(properties.closeTimeout())) {
            log.warn("participant {} did not stop within {}", running, properties.closeTimeout());
        }
        observer.stopped();
    }

    @Override
    public boolean isRunning() {
        return participant != null;
    }

    /** The running participant's Kafka Streams state; {@code NOT_RUNNING} when it is not running (before the start, after the stop). */
    public KafkaStreams.State state() {
        Participant running = participant;
        return running != null ? running.state() : KafkaStreams.State.NOT_RUNNING;
    }

    /** The running participant, or null. */
    public Participant participant() {
        return participant;
    }
}
