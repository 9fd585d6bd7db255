package dev.sagaline.app.demo;

import dev.sagaline.demo.Order;
import dev.sagaline.participant.DispatchResult;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.TccHandler;
import dev.sagaline.participant.outbox.CdcRelay;
import dev.sagaline.participant.outbox.DatabaseAddress;
import dev.sagaline.participant.outbox.Inbox;
import dev.sagaline.participant.outbox.Outbox;
import dev.sagaline.participant.outbox.OutboxReplies;
import dev.sagaline.participant.outbox.OutboxSchema;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's stock service on PostgreSQL, as a service without Kafka transactions would run: a
 * plain consumer reads its step commands, and in one database transaction the {@link Inbox}
 * applies the participant's rules, the TCC handlers move stock between available, reserved and
 * sold, and the reply goes into the {@link Outbox}; the {@link CdcRelay} publishes the replies from
 * PostgreSQL's log. The consumer commits its offsets after the database, so a crash redelivers and
 * the inbox answers from memory.
 */
final class PostgresInventory implements Inventory, AutoCloseable {

    /** Every article starts with this many items available: more than any demo run orders. */
    static final int INITIAL_STOCK = 1_000_000;
    static final int ARTICLES = 97;

    private static final Logger log = LoggerFactory.getLogger(PostgresInventory.class);

    private final DataSource dataSource;
    private final DatabaseAddress address;
    private final String bootstrapServers;
    private final String commandTopic;
    private final ProtocolSerdes serdes;
    private final Inbox inbox;
    private final Outbox outbox = new Outbox(OutboxSchema.defaults());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final KafkaConsumer<String, StepCommand> consumer;
    private final Thread worker;
    private CdcRelay relay;
    private volatile boolean stopped;

    PostgresInventory(DataSource dataSource, DatabaseAddress address, String bootstrapServers, String commandTopic,
                      ProtocolSerdes serdes) {
        this.dataSource = dataSource;
        this.address = address;
        this.bootstrapServers = bootstrapServers;
        this.commandTopic = commandTopic;
        this.serdes = serdes;
        Clock clock = Clock.systemUTC();
        this.inbox = new Inbox(Inbox.DEFAULT_TABLE, Payloads.withRegistry(serdes.registry()), new OutboxReplies(serdes, clock), clock);
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "sagaline-demo-inventory-db",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // The orchestrator writes commands in Kafka transactions; an aborted one is no command.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), serdes.commands().deserializer());
        this.worker = new Thread(this::consume, "demo-inventory-db");
        this.worker.setDaemon(true);
    }

    /** Creates the tables, stocks every article, starts the relay and the consumer, and returns once the relay streams. */
    PostgresInventory start() {
        try {
            createAndStock();
        } catch (SQLException e) {
            throw new IllegalStateException("setting up the inventory database failed: " + e.getMessage(), e);
        }
        relay = CdcRelay.builder()
                .dataSource(dataSource)
                .database(address)
                .producerConfig(Map.of("bootstrap.servers", bootstrapServers))
                .name("sagaline-demo-inventory")
                .build()
                .start();
        try {
            if (!relay.awaitStreaming(Duration.ofMinutes(1))) {
                throw new IllegalStateException("the inventory's CDC relay did not start streaming within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the inventory's CDC relay started", e);
        }
        consumer.subscribe(List.of(commandTopic));
        worker.start();
        return this;
    }

    private void createAndStock() throws SQLException {
        OutboxSchema.defaults().create(dataSource);
        inbox.create(dataSource);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS demo_stock (sku VARCHAR(50) PRIMARY KEY, available INTEGER NOT NULL, "
                    + "reserved INTEGER NOT NULL, sold INTEGER NOT NULL)");
            statement.execute("CREATE TABLE IF NOT EXISTS demo_reservation (order_id VARCHAR(100) PRIMARY KEY, "
                    + "sku VARCHAR(50) NOT NULL, quantity INTEGER NOT NULL, state VARCHAR(16) NOT NULL)");
            for (int i = 0; i < ARTICLES; i++) {
                statement.execute("INSERT INTO demo_stock VALUES ('sku-" + i + "', " + INITIAL_STOCK + ", 0, 0) ON CONFLICT DO NOTHING");
            }
        }
    }

    @Override
    public InventoryService.Reservation reservation(String orderId) {
        String state = query("SELECT state FROM demo_reservation WHERE order_id = '" + orderId.replace("'", "''") + "'");
        return state == null ? null : InventoryService.Reservation.valueOf(state);
    }

    /** Checks every article: nothing left reserved, sold as the completed orders bought, and no item lost or made up. */
    @Override
    public List<String> stockProblems(Map<String, Integer> soldBySku) {
        List<String> found = new ArrayList<>(problems);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT sku, available, reserved, sold FROM demo_stock")) {
            while (rows.next()) {
                String sku = rows.getString(1);
                int available = rows.getInt(2);
                int reserved = rows.getInt(3);
                int sold = rows.getInt(4);
                int expectedSold = soldBySku.getOrDefault(sku, 0);
                if (reserved != 0 || sold != expectedSold || available + sold != INITIAL_STOCK) {
                    found.add(sku + " in the database: available " + available + ", reserved " + reserved + ", sold " + sold
                            + "; expected reserved 0, sold " + expectedSold + ", available " + (INITIAL_STOCK - expectedSold));
                }
            }
        } catch (SQLException e) {
            found.add("reading the stock levels failed: " + e.getMessage());
        }
        return found;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        consumer.wakeup();
        worker.join(Duration.ofSeconds(30).toMillis());
        if (relay != null) {
            relay.close();
        }
    }

    @Override
    public String toString() {
        return "inventory on PostgreSQL";
    }

    private void consume() {
        try {
            while (!stopped) {
                for (ConsumerRecord<String, StepCommand> record : consumer.poll(Duration.ofMillis(200))) {
                    handle(record.value());
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // close() asked the consumer to stop polling.
        } catch (SQLException | RuntimeException e) {
            log.error("The PostgreSQL inventory stopped consuming", e);
            problems.add("the PostgreSQL inventory stopped consuming: " + e);
        } finally {
            consumer.close(Duration.ofSeconds(10));
        }
    }

    private void handle(StepCommand command) throws SQLException {
        try (Connection tx = dataSource.getConnection()) {
            tx.setAutoCommit(false);
            DispatchResult result = inbox.handle(tx, command, handlersIn(tx), outbox);
            tx.commit();
            if (result instanceof DispatchResult.DeadLettered dead) {
                problems.add("command " + command.getCommandId() + " could not be answered: " + dead.detail());
            }
        }
    }

    /** The stock handlers, working on the command's transaction. */
    private ParticipantHandlers handlersIn(Connection tx) {
        return ParticipantHandlers.builder().onTcc("reserve-stock", Order.class, new TccHandler<>() {
            @Override
            public StepResult tryStep(Order order, StepContext context) throws SQLException {
                if (update(tx, "UPDATE demo_stock SET available = available - ?, reserved = reserved + ? WHERE sku = ? AND available >= ?",
                        order.getQuantity(), order.getQuantity(), order.getSku(), order.getQuantity()) == 0) {
                    return StepResult.failed("OUT_OF_STOCK", order.getSku() + " has fewer than " + order.getQuantity() + " items");
                }
                update(tx, "INSERT INTO demo_reservation VALUES (?, ?, ?, 'RESERVED')", order.getOrderId(), order.getSku(),
                        order.getQuantity());
                return StepResult.succeeded();
            }

            @Override
            public StepResult confirm(Order order, StepContext context) throws SQLException {
                if (update(tx, "UPDATE demo_reservation SET state = 'CONFIRMED' WHERE order_id = ? AND state = 'RESERVED'",
                        order.getOrderId()) == 1) {
                    update(tx, "UPDATE demo_stock SET reserved = reserved - ?, sold = sold + ? WHERE sku = ?",
                            order.getQuantity(), order.getQuantity(), order.getSku());
                }
                return StepResult.succeeded();
            }

            @Override
            public StepResult cancel(Order order, StepContext context) throws SQLException {
                if (update(tx, "UPDATE demo_reservation SET state = 'RELEASED' WHERE order_id = ? AND state = 'RESERVED'",
                        order.getOrderId()) == 1) {
                    update(tx, "UPDATE demo_stock SET reserved = reserved - ?, available = available + ? WHERE sku = ?",
                            order.getQuantity(), order.getQuantity(), order.getSku());
                }
                return StepResult.succeeded();
            }
        }).build();
    }

    private static int update(Connection tx, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = tx.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    private String query(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("the demo's inventory database failed: " + e.getMessage(), e);
        }
    }
}
