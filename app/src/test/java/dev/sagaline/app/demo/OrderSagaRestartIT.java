package dev.sagaline.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.app.testsupport.AuditLog;
import dev.sagaline.app.testsupport.OrderRequests;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.demo.Order;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepHandler;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.TccHandler;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's order saga and services on a real local broker, with the orchestrator closed while
 * hundreds of orders are in flight and a new instance started with the same application id and
 * state directory: every order still ends exactly once, as planned, and the services' records
 * agree with how it ended.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(150)
class OrderSagaRestartIT {

    private static final int SAGAS = 300;
    private static final DemoPlan PLAN = new DemoPlan(SAGAS, 0.15, 0);

    @TempDir
    Path stateDir;

    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, AtomicInteger> handlerCalls = new ConcurrentHashMap<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void endsEveryOrderExactlyOnceWhenTheOrchestratorRestartsMidRun(LocalKafkaBroker broker) {
        SchemaRegistry registry = SchemaRegistries.fromUrl("memory://order-restart-it", Map.of());
        SagalineConfig config = SagalineConfig.of(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "order-restart-it",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("orchestrator").toString(),
                // The closed instance does not leave its group; the new one's first rebalance waits
                // for its session to expire, 45 s by default.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_500,
                SagalineConfig.TOPIC_PARTITIONS_CONFIG, 3,
                SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "memory://order-restart-it"));
        SagaDefinitions definitions = OrderDemo.definitions();
        InventoryService inventory = new InventoryService();
        PaymentService payment = new PaymentService(PLAN);
        ShippingService shipping = new ShippingService();
        SagalineApp first = start(config, definitions);
        startServices(broker, registry, inventory, payment, shipping);
        first.awaitRunning(Duration.ofSeconds(60));
        List<String> orders = IntStream.range(0, SAGAS).mapToObj(DemoPlan::orderId).toList();

        int endedAtRestart;
        try (AuditLog audit = AuditLog.fromStart(broker.bootstrapServers(), config.topics().events(), registry);
             OrderRequests requests = new OrderRequests(broker.bootstrapServers(), registry, config.topics().requests())) {
            // Two thirds go to the running orchestrator, the rest arrive while it is down, so the
            // run spans the restart however fast the first orders finish.
            int beforeStop = SAGAS * 2 / 3;
            orders.subList(0, beforeStop).forEach(id -> requests.start("order", id));
            requests.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> audit.read().endedCount() >= SAGAS / 10);
            first.close();
            endedAtRestart = audit.read().endedCount();
            orders.subList(beforeStop, SAGAS).forEach(id -> requests.start("order", id));
            requests.flush();

            SagalineApp second = start(config, definitions);
            second.awaitRunning(Duration.ofSeconds(60));
            audit.awaitEnded(orders, Duration.ofSeconds(90));

            assertThat(endedAtRestart).as("orders ended before the restart").isLessThan(SAGAS);
            assertThat(audit.terminalKindsBySaga()).as("terminal events by order").hasSize(SAGAS)
                    .allSatisfy((id, kinds) -> assertThat(kinds).as(id).containsExactly(expectedEnd(id)));
            assertThat(orders).allSatisfy(id -> assertThat(audit.events(id)).extracting(SagaEvent::getSequence).as(id + " event sequence")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, audit.events(id).size()).boxed().toList()));
        }
        assertThat(orders).allSatisfy(id -> {
            boolean completed = expectedEnd(id) == SagaEventKind.COMPLETED;
            assertThat(inventory.reservation(id)).as(id + " stock").isEqualTo(
                    completed ? InventoryService.Reservation.CONFIRMED : InventoryService.Reservation.RELEASED);
            assertThat(payment.charged(id)).as(id + " charged").isEqualTo(completed);
            assertThat(shipping.shipped(id)).as(id + " shipped").isEqualTo(completed);
        });
        assertThat(handlerCalls).as("handler calls by order, step and action")
                .allSatisfy((call, count) -> assertThat(count.get()).as(call).isEqualTo(1));
    }

    private static SagaEventKind expectedEnd(String orderId) {
        return PLAN.expectation(orderId) == DemoPlan.Expectation.COMPLETED ? SagaEventKind.COMPLETED : SagaEventKind.COMPENSATED;
    }

    private SagalineApp start(SagalineConfig config, SagaDefinitions definitions) {
        SagalineApp app = SagalineApp.start(config, definitions);
        running.add(app);
        return app;
    }

    /** The demo's three services, each handler call counted by order, step and action. */
    private void startServices(LocalKafkaBroker broker, SchemaRegistry registry, InventoryService inventory,
                               PaymentService payment, ShippingService shipping) {
        List<Participant> services = List.of(
                participant(broker, registry, "inventory", "inventory.commands")
                        .onTcc("reserve-stock", Order.class, counted(inventory)).build(),
                participant(broker, registry, "payment", "payment.commands")
                        .onDo("charge-payment", Order.class, counted(payment)).build(),
                participant(broker, registry, "shipping", "shipping.commands")
                        .onDo("ship", Order.class, counted(shipping)).build());
        services.forEach(service -> {
            service.start();
            running.add(service);
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> services.stream()
                .allMatch(s -> s.state() == KafkaStreams.State.RUNNING));
    }

    private Participant.Builder participant(LocalKafkaBroker broker, SchemaRegistry registry, String service, String topic) {
        return Participant.builder()
                .applicationId("order-restart-it-" + service)
                .bootstrapServers(broker.bootstrapServers())
                .commandTopic(topic)
                .schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(service).toString());
    }

    private StepHandler<Order> counted(StepHandler<Order> handler) {
        return (order, context) -> {
            count(context);
            return handler.handle(order, context);
        };
    }

    private TccHandler<Order> counted(TccHandler<Order> handler) {
        return new TccHandler<>() {
            @Override
            public StepResult tryStep(Order order, StepContext context) throws Exception {
                count(context);
                return handler.tryStep(order, context);
            }

            @Override
            public StepResult confirm(Order order, StepContext context) throws Exception {
                count(context);
                return handler.confirm(order, context);
            }

            @Override
            public StepResult cancel(Order order, StepContext context) throws Exception {
                count(context);
                return handler.cancel(order, context);
            }
        };
    }

    private void count(StepContext context) {
        handlerCalls.computeIfAbsent(context.sagaId() + " " + context.step() + " " + context.action(), k -> new AtomicInteger())
                .incrementAndGet();
    }
}
