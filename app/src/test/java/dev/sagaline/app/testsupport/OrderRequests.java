package dev.sagaline.app.testsupport;

import dev.sagaline.demo.Order;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Starts order sagas: a start request on the orchestrator's request topic, with the order as the saga's input. */
public final class OrderRequests implements AutoCloseable {

    private final KafkaProducer<String, SagaRequest> producer;
    private final Payloads payloads;
    private final String requestsTopic;

    public OrderRequests(String bootstrapServers, SchemaRegistry registry, String requestsTopic) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), registry, requestsTopic);
    }

    /** As above, with these client settings (address, security). */
    public OrderRequests(Map<String, Object> clientConfig, SchemaRegistry registry, String requestsTopic) {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ProtocolSerdes(registry).requests().serializer());
        this.payloads = Payloads.withRegistry(registry);
        this.requestsTopic = requestsTopic;
    }

    /** Sends the start of saga {@code sagaType} for an order whose id is the saga id. */
    public void start(String sagaType, String orderId) {
        Order order = new Order(orderId, "sku-" + Math.floorMod(orderId.hashCode(), 97), 1 + Math.floorMod(orderId.hashCode(), 5), 1_000L);
        SagaRequest request = SagaRequest.newBuilder().setSagaId(orderId).setRequestId("test-" + orderId)
                .setBody(StartSaga.newBuilder().setSagaType(sagaType).setInput(payloads.encode(order)).build()).build();
        producer.send(new ProducerRecord<>(requestsTopic, orderId, request));
    }

    /** Waits until everything sent is acknowledged. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
