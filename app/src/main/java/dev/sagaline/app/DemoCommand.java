package dev.sagaline.app;

import dev.sagaline.app.internals.FileTrees;
import dev.sagaline.app.demo.DemoPlan;
import dev.sagaline.app.demo.DemoReport;
import dev.sagaline.app.demo.InventoryDatabase;
import dev.sagaline.app.demo.OrderDemo;
import dev.sagaline.app.demo.SecureDemo;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.participant.outbox.DatabaseAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sagaline demo}: the main job on the embedded default. Starts a real local Kafka broker,
 * the orchestrator and three example services, runs a few thousand order sagas of which some are
 * declined at payment and some lose their payment command (and time out), shows progress, and
 * checks that every saga ended as planned.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the order saga demo (stock TCC, payment pivot, shipping retriable) on an embedded local Kafka broker.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--sagas", defaultValue = "2000", description = "Orders to run (default ${DEFAULT-VALUE}).")
    private int sagas;

    @Option(names = "--decline-share", defaultValue = "0.10", description = "Share of orders whose payment is declined (default ${DEFAULT-VALUE}).")
    private double declineShare;

    @Option(names = "--timeout-share", defaultValue = "0.05", description = "Share of orders whose payment command is lost, so the step times out (default ${DEFAULT-VALUE}).")
    private double timeoutShare;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of the demo's topics (default ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the broker's data and the state stores here, so a second run resumes on them.")
    private Path dataDir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Run against this cluster instead of the embedded broker.")
    private String bootstrapServers;

    @Option(names = "--inventory-db", defaultValue = "memory", paramLabel = "memory|postgres",
            description = "Where the stock service keeps its stock: memory (a Kafka Streams participant) or postgres (an embedded"
                    + " PostgreSQL, a plain consumer with an inbox, replying through the outbox and the Debezium CDC relay;"
                    + " the summary also checks the stock levels in the database). Default ${DEFAULT-VALUE}.")
    private InventoryDb inventoryDb;

    /** The choices of {@code --inventory-db}. */
    enum InventoryDb { memory, postgres }

    @Option(names = "--secure", description = "Run on an embedded broker secured with SASL_SSL (SCRAM-SHA-512) and ACLs: one user"
            + " per part of the demo with the least privilege it needs; then show that a client without valid credentials and a"
            + " service writing to another service's topic are refused.")
    private boolean secure;

    @Option(names = "--patience", defaultValue = "300", description = "Seconds to wait for the sagas to finish (default ${DEFAULT-VALUE}).")
    private int patienceSeconds;

    @Override
    public Integer call() throws Exception {
        DemoPlan plan = new DemoPlan(sagas, declineShare, timeoutShare);
        if (partitions < 1 || patienceSeconds < 1) {
            throw new IllegalArgumentException("--partitions (" + partitions + ") and --patience (" + patienceSeconds
                    + ") must be at least 1");
        }
        if (secure && (bootstrapServers != null || dataDir != null || inventoryDb == InventoryDb.postgres)) {
            throw new IllegalArgumentException("--secure runs on its own secured embedded broker with made-up keys and users; it"
                    + " cannot be combined with --bootstrap-servers, --data-dir or --inventory-db postgres");
        }
        LocalKafkaBroker broker = bootstrapServers == null ? EmbeddedBroker.start(dataDir, secure ? LocalKafkaBroker.Builder::secured : UnaryOperator.identity()) : null;
        Path stateDir = dataDir != null ? dataDir.resolve("state") : Files.createTempDirectory("sagaline-demo-state");
        try {
            String servers = broker != null ? broker.bootstrapServers() : bootstrapServers;
            System.out.printf("Running %d order sagas: %.0f%% declined at payment, %.0f%% lose their payment command and time out%n",
                    sagas, declineShare * 100, timeoutShare * 100);
            DemoReport report;
            if (secure) {
                SecureDemo secured = SecureDemo.setUp(broker, System.out);
                report = new OrderDemo(plan, secured.access(), partitions, stateDir, Duration.ofSeconds(patienceSeconds),
                        System.out, System.console() != null, null).run();
                report.print(System.out);
                return secured.showRefusals(System.out) && report.passed() ? 0 : 1;
            }
            if (inventoryDb == InventoryDb.postgres) {
                try (LocalPostgres postgres = LocalPostgres.builder().build().start()) {
                    DataSource database = postgres.createDatabase("inventory");
                    System.out.println("The stock service keeps its stock in PostgreSQL on 127.0.0.1:" + postgres.port()
                            + " and replies through the outbox and the CDC relay");
                    report = new OrderDemo(plan, servers, partitions, stateDir, Duration.ofSeconds(patienceSeconds), System.out,
                            System.console() != null, new InventoryDatabase(database, new DatabaseAddress("127.0.0.1",
                                    postgres.port(), LocalPostgres.databaseName(database), LocalPostgres.USER, ""))).run();
                }
            } else {
                report = new OrderDemo(plan, servers, partitions, stateDir, Duration.ofSeconds(patienceSeconds),
                        System.out, System.console() != null).run();
            }
            report.print(System.out);
            if (inventoryDb == InventoryDb.postgres && report.passed()) {
                System.out.println("The stock levels in PostgreSQL add up: nothing left reserved, every completed order's items sold.");
            }
            return report.passed() ? 0 : 1;
        } finally {
            if (broker != null) {
                broker.close();
            }
            if (dataDir == null) {
                FileTrees.delete(stateDir);
            }
        }
    }
}
