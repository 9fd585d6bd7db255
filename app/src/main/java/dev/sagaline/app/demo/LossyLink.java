package dev.sagaline.app.demo;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A network link that loses messages: forwards the payment commands to the payment service's
 * inbox, except the first one of each order the {@link DemoPlan} marks as lost. It makes the
 * demo's step timeouts real: the orchestrator never hears back about the pivot, so its outcome is
 * unknown; it sends the same command (same id) again, which gets through, and the saga completes,
 * charged once. (What the link has dropped is kept in memory: after a restart it may drop one more.)
 */
public final class LossyLink implements AutoCloseable {

    private final KafkaStreams streams;
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();

    /** Forwards {@code from} to {@code to} as the Kafka Streams application {@code applicationId}. */
    public LossyLink(DemoPlan plan, String from, String to, Map<String, Object> clientProperties, String applicationId) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(from, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("lossy-link-source"))
                .filterNot((orderId, command) -> plan.expectation(orderId) == DemoPlan.Expectation.LOST && dropped.add(orderId),
                        org.apache.kafka.streams.kstream.Named.as("lossy-link-drop"))
                .to(to, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("lossy-link-sink"));
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        this.streams = new KafkaStreams(builder.build(), props);
    }

    public LossyLink start() {
        streams.start();
        return this;
    }

    /** The Kafka Streams state of the link. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Stops the link and leaves its consumer group, so the next run's link takes over at once. */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }

    @Override
    public String toString() {
        return "lossy link";
    }
}
