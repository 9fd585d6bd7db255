package dev.sagaline.app.demo;

import dev.sagaline.demo.Order;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.orchestrator.runtime.OrchestratorTopics;
import dev.sagaline.participant.Participant;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dev server's demo: the order saga's three services and a steady trickle of orders. About
 * one order in seven is declined at payment (compensated), and about one in twenty has a
 * shipping carrier that is down for its first {@value #SHIPPING_ATTEMPTS_BEFORE_STUCK} attempts,
 * which leaves the saga STUCK until an operator retries it; the retry then ships it.
 */
public final class DevTrickle implements AutoCloseable {

    /** Shipping attempts a stuck order fails before the saga is STUCK; the dev server sets the orchestrator's limit to this. */
    public static final int SHIPPING_ATTEMPTS_BEFORE_STUCK = 3;

    private static final Logger log = LoggerFactory.getLogger(DevTrickle.class);

    private final List<AutoCloseable> running = new ArrayList<>();
    private final Thread sender;
    private volatile boolean stopping;

    private DevTrickle(SagalineConfig config, Path stateDir, double perSecond) {
        DemoPlan plan = new DemoPlan(1, 0.15, 0.05);
        SchemaRegistry registry = config.schemaRegistry();
        String servers = String.valueOf(config.streamsProperties().get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        List<Participant> participants = List.of(
                participant("inventory", OrderDemo.INVENTORY_TOPIC, servers, registry, stateDir).onTcc("reserve-stock", Order.class, new InventoryService()).build(),
                participant("payment", OrderDemo.PAYMENT_TOPIC, servers, registry, stateDir).onDo("charge-payment", Order.class, new PaymentService(plan)).build(),
                participant("shipping", OrderDemo.SHIPPING_TOPIC, servers, registry, stateDir).onDo("ship", Order.class,
                        new ShippingService(id -> plan.expectation(id) == DemoPlan.Expectation.LOST, SHIPPING_ATTEMPTS_BEFORE_STUCK)).build());
        OrchestratorTopics.ensureTopics(config, participants.stream().map(p -> p.config().deadLetterTopic()).toList());
        participants.forEach(p -> {
            p.start();
            running.add(p);
        });
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<String, SagaRequest> producer = new KafkaProducer<>(props, new StringSerializer(), new ProtocolSerdes(registry).requests().serializer());
        running.add(producer);
        Payloads payloads = Payloads.withRegistry(registry);
        String run = UUID.randomUUID().toString().substring(0, 4);
        this.sender = new Thread(() -> {
            for (int i = 0; !stopping && perSecond > 0; i++) {
                String orderId = run + "-" + DemoPlan.orderId(i);
                Order order = new Order(orderId, "sku-" + (i % 97), 1 + i % 5, 1_000L + i);
                producer.send(new ProducerRecord<>(config.topics().requests(), orderId, SagaRequest.newBuilder().setSagaId(orderId)
                        .setRequestId("dev-" + orderId).setBody(StartSaga.newBuilder().setSagaType("order").setInput(payloads.encode(order)).build()).build()));
                try {
                    Thread.sleep((long) (1000 / perSecond));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sagaline-dev-trickle");
        sender.setDaemon(true);
    }

    /** Starts the services and the trickle of {@code perSecond} orders (0 for none). */
    public static DevTrickle start(SagalineConfig config, Path stateDir, double perSecond) {
        DevTrickle trickle = new DevTrickle(config, stateDir, perSecond);
        trickle.sender.start();
        log.info("dev trickle: {} order sagas per second", perSecond);
        return trickle;
    }

    private static Participant.Builder participant(String service, String topic, String servers, SchemaRegistry registry, Path stateDir) {
        return Participant.builder().applicationId("sagaline-dev-" + service).bootstrapServers(servers).commandTopic(topic)
                .schemaRegistry(registry).property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        sender.interrupt();
        sender.join(5_000);
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                log.warn("closing {} failed", running.get(i), e);
            }
        }
    }
}
