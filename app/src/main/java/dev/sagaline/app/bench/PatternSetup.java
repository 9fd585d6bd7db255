package dev.sagaline.app.bench;

import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.PrintStream;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the services and the driver of one {@code bench --patterns} run share: the cluster, the
 * run's id (which names its topics and groups), its serdes and where progress is printed.
 */
record PatternSetup(String bootstrapServers, String runId, ProtocolSerdes serdes, Payloads payloads, PrintStream out) {

    /** A producer that writes each record once per send, acknowledged by every replica. */
    KafkaProducer<String, byte[]> idempotentProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new ByteArraySerializer());
    }
}
