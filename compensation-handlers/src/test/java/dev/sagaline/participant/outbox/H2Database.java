package dev.sagaline.participant.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A fresh in-memory H2 database per test, with the outbox tables and the example inventory
 * service's reservation table, and a few one-line queries for assertions.
 */
final class H2Database implements AutoCloseable {

    private final JdbcDataSource dataSource = new JdbcDataSource();

    private H2Database(String mode) {
        // DB_CLOSE_DELAY=-1 keeps the database while no connection is open; close() drops it.
        dataSource.setURL("jdbc:h2:mem:outbox-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + (mode == null ? "" : ";MODE=" + mode));
        OutboxSchema.defaults().create(dataSource);
        execute("RUNSCRIPT FROM 'classpath:/outbox/inventory.sql'");
    }

    static H2Database create() {
        return new H2Database(null);
    }

    /** The same, in H2's PostgreSQL compatibility mode. */
    static H2Database postgreSqlMode() {
        return new H2Database("PostgreSQL");
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** A connection with auto-commit off, as a service's business transaction would have. */
    Connection transaction() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        return connection;
    }

    void reserve(Connection tx, String id, String sku, int quantity) throws SQLException {
        try (PreparedStatement insert = tx.prepareStatement("INSERT INTO reservation (id, sku, quantity) VALUES (?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, sku);
            insert.setInt(3, quantity);
            insert.executeUpdate();
        }
    }

    long count(String table) {
        return strings("SELECT COUNT(*) FROM " + table).stream().mapToLong(Long::parseLong).sum();
    }

    /** The first column of every row of {@code sql}, as text. */
    List<String> strings(String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    void execute(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Override
    public void close() {
        execute("SHUTDOWN");
    }
}
