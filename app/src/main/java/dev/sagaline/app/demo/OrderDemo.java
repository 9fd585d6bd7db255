package dev.sagaline.app.demo;

import dev.sagaline.orchestrator.definition.SagaDefinitionLoader;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.demo.Order;
import dev.sagaline.participant.Participant;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.orchestrator.runtime.OrchestratorTopics;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The demo: an orchestrator running the order saga, three services (stock as TCC, payment as the
 * pivot, shipping as a retriable step) and a lossy link in front of the payment service, all on
 * one Kafka cluster; it starts a number of orders, shows their progress, and checks that each
 * ended as planned and that the services agree (a compensated order's stock is released, a
 * completed one's is confirmed and shipped).
 */
public final class OrderDemo {

    /** The order saga definition shipped with the app. */
    public static final String DEFINITION_RESOURCE = "/sagaline/definitions/order.yaml";
    /**
     * The in-process schema registry the demo's apps share. Its ids are derived from the schemas,
     * so a run on a kept data directory (or a cluster an earlier run used) reads the state and
     * records an earlier run wrote.
     */
    public static final String SCHEMA_REGISTRY_URL = "memory://sagaline-demo";
    static final String INVENTORY_TOPIC = "inventory.commands";
    static final String PAYMENT_TOPIC = "payment.commands";
    static final String PAYMENT_INBOX_TOPIC = "payment.inbox";
    static final String SHIPPING_TOPIC = "shipping.commands";

    private final DemoPlan plan;
    private final DemoAccess access;
    private final int partitions;
    private final Path stateDir;
    private final Duration patience;
    private final PrintStream out;
    private final boolean inPlaceProgress;
    private final InventoryDatabase inventoryDatabase;

    /**
     * @param plan how many orders, and which fail
     * @param bootstrapServers the cluster
     * @param partitions partitions of the topics the demo creates
     * @param stateDir where the apps keep their RocksDB state
     * @param patience how long to wait for the sagas to end
     * @param out where progress and the summary go
     * @param inPlaceProgress redraw the progress bar in place (a terminal) or print it line by line
     */
    public OrderDemo(DemoPlan plan, String bootstrapServers, int partitions, Path stateDir, Duration patience,
                     PrintStream out, boolean inPlaceProgress) {
        this(plan, bootstrapServers, partitions, stateDir, patience, out, inPlaceProgress, null);
    }

    /**
     * As above, with the stock service on PostgreSQL when {@code inventoryDatabase} is given: a
     * plain consumer with an inbox, replying through the outbox and the CDC relay, whose stock
     * levels the summary checks.
     */
    public OrderDemo(DemoPlan plan, String bootstrapServers, int partitions, Path stateDir, Duration patience,
                     PrintStream out, boolean inPlaceProgress, InventoryDatabase inventoryDatabase) {
        this(plan, DemoAccess.plain(bootstrapServers), partitions, stateDir, patience, out, inPlaceProgress, inventoryDatabase);
    }

    /**
     * As above, each part of the demo reaching the cluster as {@code access} says, e.g. as its own
     * user of a secured cluster ({@link SecureDemo}).
     */
    public OrderDemo(DemoPlan plan, DemoAccess access, int partitions, Path stateDir, Duration patience,
                     PrintStream out, boolean inPlaceProgress, InventoryDatabase inventoryDatabase) {
        this.inventoryDatabase = inventoryDatabase;
        this.plan = plan;
        this.access = access;
        this.partitions = partitions;
        this.stateDir = stateDir;
        this.patience = patience;
        this.out = out;
        this.inPlaceProgress = inPlaceProgress;
    }

    /** The order saga definition shipped with the app. */
    public static SagaDefinitions definitions() {
        try (InputStream in = OrderDemo.class.getResourceAsStream(DEFINITION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the app jar lacks " + DEFINITION_RESOURCE);
            }
            return SagaDefinitions.of(SagaDefinitionLoader.fromYaml(new String(in.readAllBytes(), StandardCharsets.UTF_8), "order.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the demo and returns what it saw. */
    public DemoReport run() {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        SchemaRegistry registry = SchemaRegistries.fromUrl(SCHEMA_REGISTRY_URL, Map.of());
        ProtocolSerdes serdes = new ProtocolSerdes(registry);
        Payloads payloads = Payloads.withRegistry(registry);
        SagaDefinitions definitions = definitions();
        SagalineConfig config = SagalineConfig.of(orchestratorSettings(access.clientConfig(DemoAccess.ORCHESTRATOR)));
        // The operator creates every topic, so that on a secured cluster no service needs the right to.
        SagalineConfig setup = SagalineConfig.of(orchestratorSettings(access.operatorConfig()));
        OrchestratorTopics.ensure(setup, definitions);
        OrchestratorTopics.ensureTopics(setup, List.of(PAYMENT_INBOX_TOPIC));

        PaymentService payment = new PaymentService(plan);
        ShippingService shipping = new ShippingService();
        List<AutoCloseable> running = new ArrayList<>();
        try {
            SagalineApp orchestrator = SagalineApp.start(config, definitions);
            running.add(orchestrator);
            List<Participant> participants = new ArrayList<>();
            Inventory inventory;
            if (inventoryDatabase == null) {
                InventoryService inMemory = new InventoryService();
                participants.add(participant(DemoAccess.INVENTORY, INVENTORY_TOPIC, registry).onTcc("reserve-stock", Order.class, inMemory).build());
                inventory = inMemory;
            } else {
                OrchestratorTopics.ensureTopics(setup, List.of(INVENTORY_TOPIC));
                PostgresInventory inDatabase = new PostgresInventory(inventoryDatabase.dataSource(), inventoryDatabase.address(),
                        access.bootstrapServers(), INVENTORY_TOPIC, serdes);
                running.add(inDatabase);
                inventory = inDatabase.start();
            }
            participants.add(participant(DemoAccess.PAYMENT, PAYMENT_INBOX_TOPIC, registry)
                    .onDo("charge-payment", Order.class, payment).build());
            participants.add(participant(DemoAccess.SHIPPING, SHIPPING_TOPIC, registry).onDo("ship", Order.class, shipping).build());
            // The services' dead-letter topics must exist before a command is dead-lettered; brokers
            // often refuse to create topics on first use.
            OrchestratorTopics.ensureTopics(setup, participants.stream().map(p -> p.config().deadLetterTopic()).toList());
            for (Participant p : participants) {
                p.start();
                running.add(p);
            }
            LossyLink link = new LossyLink(plan, PAYMENT_TOPIC, PAYMENT_INBOX_TOPIC, withStateDir(access.clientConfig(DemoAccess.LOSSY_LINK)),
                    access.applicationId(DemoAccess.LOSSY_LINK)).start();
            running.add(link);
            orchestrator.awaitRunning(Duration.ofMinutes(2));
            participants.forEach(p -> p.awaitRunning(Duration.ofMinutes(2)));
            awaitRunning(Map.of(link.toString(), link::state));

            try (SagaMonitor monitor = new SagaMonitor(config.topics().events(), access.clientConfig(DemoAccess.SHOP), serdes.events());
                 KafkaProducer<String, SagaRequest> producer = producer(serdes)) {
                return drive(runId, monitor, producer, payloads, inventory, payment, shipping, config);
            }
        } finally {
            for (int i = running.size() - 1; i >= 0; i--) {
                try {
                    running.get(i).close();
                } catch (Exception e) {
                    out.println("closing " + running.get(i) + " failed: " + e);
                }
            }
        }
    }

    private DemoReport drive(String runId, SagaMonitor monitor, KafkaProducer<String, SagaRequest> producer, Payloads payloads,
                             Inventory inventory, PaymentService payment, ShippingService shipping, SagalineConfig config) {
        ProgressBar bar = new ProgressBar(out, plan.sagas(), inPlaceProgress);
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>(plan.sagas());
        Map<String, Order> orders = new HashMap<>();
        for (int i = 0; i < plan.sagas(); i++) {
            String orderId = runId + "-" + DemoPlan.orderId(i);
            ids.add(orderId);
            Order order = new Order(orderId, "sku-" + (i % PostgresInventory.ARTICLES), 1 + i % 5, 1_000L + i);
            orders.put(orderId, order);
            SagaRequest request = SagaRequest.newBuilder().setSagaId(orderId).setRequestId("demo-" + runId)
                    .setBody(StartSaga.newBuilder().setSagaType("order").setInput(payloads.encode(order)).build()).build();
            monitor.started(orderId);
            producer.send(new ProducerRecord<>(config.topics().requests(), orderId, request));
            if (i % 500 == 499) {
                monitor.poll(Duration.ZERO);
            }
        }
        producer.flush();
        long deadline = System.nanoTime() + patience.toNanos();
        long lastDraw = 0;
        int done = 0;
        while (done < plan.sagas() && System.nanoTime() < deadline) {
            done = monitor.poll(Duration.ofMillis(100));
            if (System.nanoTime() - lastDraw > 250_000_000L) {
                bar.show(done, monitor.startedCount(), Duration.ofNanos(System.nanoTime() - start));
                lastDraw = System.nanoTime();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        bar.show(done, monitor.startedCount(), elapsed);
        bar.finish();
        return report(ids, orders, monitor, inventory, payment, shipping, elapsed);
    }

    private DemoReport report(List<String> ids, Map<String, Order> orders, SagaMonitor monitor, Inventory inventory,
                              PaymentService payment, ShippingService shipping, Duration elapsed) {
        Map<String, SagaStatus> outcomes = monitor.outcomes();
        List<String> problems = new ArrayList<>();
        long completed = 0;
        long compensated = 0;
        long stuck = 0;
        for (String id : ids) {
            SagaStatus status = outcomes.get(id);
            DemoPlan.Expectation expected = plan.expectation(id);
            if (status == null) {
                problems.add(id + " did not finish (expected " + expected + ")");
                continue;
            }
            switch (status) {
                case COMPLETED -> completed++;
                case COMPENSATED -> compensated++;
                default -> stuck++;
            }
            SagaStatus wanted = expected == DemoPlan.Expectation.DECLINED ? SagaStatus.COMPENSATED : SagaStatus.COMPLETED;
            if (status != wanted) {
                problems.add(id + " ended " + status + " but was planned to end " + wanted + " (" + expected + ")");
            } else if (status == SagaStatus.COMPENSATED && inventory.reservation(id) != InventoryService.Reservation.RELEASED) {
                problems.add(id + " was compensated but its stock reservation is " + inventory.reservation(id));
            } else if (status == SagaStatus.COMPLETED && (inventory.reservation(id) != InventoryService.Reservation.CONFIRMED
                    || !payment.charged(id) || !shipping.shipped(id))) {
                problems.add(id + " completed but stock is " + inventory.reservation(id) + ", charged " + payment.charged(id)
                        + ", shipped " + shipping.shipped(id));
            }
        }
        Map<String, Integer> soldBySku = new HashMap<>();
        ids.stream().filter(id -> outcomes.get(id) == SagaStatus.COMPLETED).map(orders::get)
                .forEach(order -> soldBySku.merge(order.getSku(), order.getQuantity(), Integer::sum));
        problems.addAll(inventory.stockProblems(soldBySku));
        long unfinished = ids.size() - outcomes.size();
        return new DemoReport(ids.size(), completed, compensated, stuck, unfinished, elapsed, monitor.latencyMicros(), problems);
    }

    private Map<String, Object> orchestratorSettings(Map<String, Object> client) {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, access.applicationId(DemoAccess.ORCHESTRATOR));
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, partitions);
        settings.put(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, SCHEMA_REGISTRY_URL);
        return settings;
    }

    private Participant.Builder participant(String service, String topic, SchemaRegistry registry) {
        return Participant.builder()
                .properties(access.clientConfig(service))
                .applicationId(access.applicationId(service))
                .commandTopic(topic)
                .schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    }

    private Map<String, Object> withStateDir(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    private KafkaProducer<String, SagaRequest> producer(ProtocolSerdes serdes) {
        Map<String, Object> props = access.clientConfig(DemoAccess.SHOP);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), serdes.requests().serializer());
    }

    /** Waits until every app runs (the link; the participants have their own): a record sent before that may wait out a rebalance and time its step out. */
    private static void awaitRunning(Map<String, Supplier<KafkaStreams.State>> apps) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        apps.forEach((name, state) -> {
            while (state.get() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " is not running after 2 minutes: " + state.get());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + name, e);
                }
            }
        });
    }
}
