package dev.sagaline.orchestrator.runtime;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.internals.processor.CommandTopics;
import dev.sagaline.orchestrator.internals.processor.ReplyPartitions;
import dev.sagaline.orchestrator.internals.processor.SagaCoordinator;
import dev.sagaline.orchestrator.internals.processor.SagaDeserializationHandler;
import dev.sagaline.orchestrator.internals.processor.SagaInputExceptionHandler;
import dev.sagaline.orchestrator.internals.processor.TopologyNames;
import dev.sagaline.orchestrator.internals.processor.UndecodableInput;
import dev.sagaline.orchestrator.internals.statemachine.SagaDecider;
import dev.sagaline.orchestrator.internals.processor.DeadLetterMeter;
import dev.sagaline.orchestrator.internals.processor.SagaMetrics;
import dev.sagaline.orchestrator.internals.statemachine.StepPolicies;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the orchestrator's Kafka Streams topology: the request and reply topics feed one
 * coordinator processor that owns two persistent RocksDB stores, each with its changelog (the saga
 * state; and its indexes: timers sorted by due time, sagas by status, and the definition versions
 * in use), and writes commands to each step's topic and events to the audit topic. Every source,
 * processor, sink and store has a fixed name, so the state and its changelogs survive a change of
 * the topology's shape.
 *
 * <pre>{@code
 * SagalineConfig config = SagalineConfig.of(props);
 * Topology topology = SagaTopology.build(definitions, config, new ProtocolSerdes(registry));
 * KafkaStreams streams = new KafkaStreams(topology, SagaTopology.streamsProperties(config));
 * }</pre>
 */
public final class SagaTopology {

    /** The saga state store: saga id to {@code SagaState}, readable by interactive queries. */
    public static final String SAGA_STATE_STORE = TopologyNames.SAGA_STATE_STORE;
    /** The saga store's indexes: due timers, sagas by status (for listing them without a scan of every saga), versions in use. */
    public static final String INDEX_STORE = TopologyNames.INDEX_STORE;
    /** The source reading the requests topic. */
    public static final String REQUESTS_SOURCE = TopologyNames.REQUESTS_SOURCE;
    /** The source reading the replies topic. */
    public static final String REPLIES_SOURCE = TopologyNames.REPLIES_SOURCE;
    /** The coordinator processor. */
    public static final String COORDINATOR = TopologyNames.COORDINATOR;
    /** The sink writing commands to their step's topic. */
    public static final String COMMANDS_SINK = TopologyNames.COMMANDS_SINK;
    /** The sink writing audit events. */
    public static final String EVENTS_SINK = TopologyNames.EVENTS_SINK;
    /** Writes the coordinator's own records to the reply topic: ticks that measure how far it has read, and misrouted replies moved to their saga's partition. */
    public static final String REPLIES_SINK = TopologyNames.REPLIES_SINK;

    private SagaTopology() {
    }

    /** The topology running {@code definitions} with {@code config}'s topics and policies. */
    public static Topology build(SagaDefinitions definitions, SagalineConfig config, ProtocolSerdes serdes) {
        return build(definitions, config, serdes, new SimpleMeterRegistry());
    }

    /** The topology running {@code definitions}, counting sagas, step outcomes and timer lag in {@code meters}. */
    public static Topology build(SagaDefinitions definitions, SagalineConfig config, ProtocolSerdes serdes, MeterRegistry meters) {
        SagaMetrics metrics = new SagaMetrics(meters);
        SagaTopics topics = config.topics();
        StepPolicies policies = new StepPolicies(config.stepTimeout(), config.forwardRetry(), config.retriableRetry(),
                config.undoRetry(), config.finishedRetention(), config.finishedIdsRetention(), config.inDoubtMax());
        SagaDecider decider = new SagaDecider(definitions, policies, topics.replies());
        Topology topology = new Topology();
        // Values that do not decode reach the coordinator, which notes them on the saga their key names.
        topology.addSource(REQUESTS_SOURCE, Serdes.String().deserializer(), UndecodableInput.tolerating(serdes.requests().deserializer()),
                topics.requests());
        topology.addSource(REPLIES_SOURCE, Serdes.String().deserializer(), UndecodableInput.tolerating(serdes.replies().deserializer()),
                topics.replies());
        topology.addProcessor(COORDINATOR, () -> new SagaCoordinator(decider, config.timerScanInterval(), config.timerScanBatch(),
                config.recordMaxBytes(), metrics),
                REQUESTS_SOURCE, REPLIES_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SAGA_STATE_STORE),
                Serdes.String(), serdes.states()), COORDINATOR);
        // The indexes of the saga store (timers by due time, sagas by status, versions in use)
        // restore with it from a changelog of their own: rebuilding them at a task start meant
        // decoding every saga, finished ones included, on the stream thread before the first poll.
        // They share one store, so a transaction writes one index changelog partition per task.
        // Every saga start and purge updates one count per version: the cache makes that one
        // changelog record per version per commit.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INDEX_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), COORDINATOR);
        topology.addSink(COMMANDS_SINK, new CommandTopics(definitions), Serdes.String().serializer(), anyValue(serdes.commands().serializer()), COORDINATOR);
        topology.addSink(REPLIES_SINK, topics.replies(), Serdes.String().serializer(), ReplyPartitions.serializer(serdes.replies().serializer()),
                new ReplyPartitions(), COORDINATOR);
        topology.addSink(EVENTS_SINK, topics.events(), Serdes.String().serializer(), anyValue(serdes.events().serializer()), COORDINATOR);
        return topology;
    }

    /** {@link #streamsProperties(SagalineConfig)}, with the dead letters counted in {@code meters}. */
    public static Properties streamsProperties(SagalineConfig config, MeterRegistry meters) {
        Properties properties = streamsProperties(config);
        properties.put(DeadLetterMeter.REGISTRY_CONFIG, meters);
        return properties;
    }

    /**
     * The Kafka Streams settings for {@code config}: everything it passes through, with
     * {@code exactly_once_v2} unless overridden, and bad input routed to the dead-letter topic by
     * Kafka Streams' own exception handlers.
     */
    public static Properties streamsProperties(SagalineConfig config) {
        Map<String, Object> props = new HashMap<>(config.streamsProperties());
        props.putIfAbsent(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().deadLetter());
        props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SagaDeserializationHandler.class.getName());
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SagaInputExceptionHandler.class.getName());
        // Every store, processor and topic is named explicitly; let Kafka Streams refuse any
        // generated name that a later change could shift (KIP-1111).
        props.putIfAbsent(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    /** The coordinator forwards commands and events as {@code Object}; each sink only ever gets its own type. */
    @SuppressWarnings("unchecked")
    private static Serializer<Object> anyValue(Serializer<?> serializer) {
        return (Serializer<Object>) serializer;
    }
}
