package dev.sagaline.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.localpostgres.LocalPostgresExtension;
import dev.sagaline.participant.outbox.DatabaseAddress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --inventory-db postgres} end to end: the stock service keeps its stock in embedded
 * PostgreSQL and answers as a plain consumer through the inbox, the outbox and the CDC relay; the
 * orders end as planned and the stock levels in the database add up.
 */
@Tag("integration")
@ExtendWith(LocalPostgresExtension.class)
@Timeout(150)
class OrderDemoPostgresIT {

    private static final int SAGAS = 150;

    @TempDir
    Path stateDir;

    @Test
    void endsEveryOrderAsPlannedAndTheDatabasesStockLevelsAddUp(LocalPostgres postgres) throws SQLException {
        DemoPlan plan = new DemoPlan(SAGAS, 0.2, 0);
        DataSource database = postgres.createDatabase("inventory");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        DemoReport report;
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().build().start()) {
            report = new OrderDemo(plan, broker.bootstrapServers(), 2, stateDir, Duration.ofSeconds(90),
                    new PrintStream(progress, true, StandardCharsets.UTF_8), false,
                    new InventoryDatabase(database, new DatabaseAddress("127.0.0.1", postgres.port(),
                            LocalPostgres.databaseName(database), LocalPostgres.USER, ""))).run();
        }

        assertThat(report.passed()).as(progress.toString(StandardCharsets.UTF_8) + report.problems()).isTrue();
        assertThat(report.compensated()).isEqualTo(plan.count(DemoPlan.Expectation.DECLINED)).isPositive();
        assertThat(report.completed()).isEqualTo(plan.count(DemoPlan.Expectation.COMPLETED));
        assertThat(single(database, "SELECT count(*) FROM demo_reservation WHERE state = 'CONFIRMED'"))
                .isEqualTo(report.completed());
        assertThat(single(database, "SELECT count(*) FROM demo_reservation WHERE state = 'RELEASED'"))
                .isEqualTo(report.compensated());
        assertThat(single(database, "SELECT count(*) FROM sagaline_outbox")).as("the relay deletes what it published").isZero();
    }

    private static long single(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
