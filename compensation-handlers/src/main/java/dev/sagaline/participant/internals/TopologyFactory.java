package dev.sagaline.participant.internals;

import dev.sagaline.participant.ParticipantConfig;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.ParticipantTopology;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** Wires the participant's source, processor, stores and sinks under the names in {@link ParticipantTopology}. */
public final class TopologyFactory {

    private TopologyFactory() {
    }

    public static Topology build(ParticipantConfig config, ParticipantHandlers handlers, SchemaRegistry registry) {
        ProtocolSerdes serdes = new ProtocolSerdes(registry);
        Payloads payloads = Payloads.withRegistry(registry);
        Topology topology = new Topology();
        topology.addSource(ParticipantTopology.SOURCE, Serdes.String().deserializer(),
                ReadCommand.deserializer(serdes.commands().deserializer()), config.commandTopic());
        topology.addProcessor(ParticipantTopology.DISPATCHER,
                () -> new CommandProcessor(handlers, payloads, config.processedRetention(), config.purgeInterval(),
                        config.purgeBatch(), new ReplySizeLimit(serdes.replies().serializer(), config.replyMaxBytes())),
                ParticipantTopology.SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ParticipantTopology.PROCESSED_STORE), Serdes.String(), serdes.replies()),
                ParticipantTopology.DISPATCHER);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ParticipantTopology.PROCESSED_BY_TIME_STORE), Serdes.String(), Serdes.String()),
                ParticipantTopology.DISPATCHER);
        topology.addSink(ParticipantTopology.REPLY_SINK, new ReplyTopicExtractor(), Serdes.String().serializer(),
                new AddressedReplySerializer(serdes.replies().serializer()), new ReplyPartitioner(), ParticipantTopology.DISPATCHER);
        // A dead letter is the command's bytes as written (ReadCommand).
        topology.<String, byte[]>addSink(ParticipantTopology.DEAD_LETTER_SINK, config.deadLetterTopic(),
                Serdes.String().serializer(), Serdes.ByteArray().serializer(), ParticipantTopology.DISPATCHER);
        return topology;
    }
}
