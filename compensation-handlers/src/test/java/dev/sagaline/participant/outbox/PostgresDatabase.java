package dev.sagaline.participant.outbox;

import dev.sagaline.localpostgres.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A fresh database per test on the test class's PostgreSQL server, with the outbox tables and the
 * example inventory service's reservation table, and a few one-line queries for assertions.
 */
final class PostgresDatabase implements AutoCloseable {

    private final LocalPostgres server;
    private final DataSource dataSource;

    private PostgresDatabase(LocalPostgres server) {
        this.server = server;
        this.dataSource = server.createDatabase("outbox");
        OutboxSchema.defaults().create(dataSource);
        execute(resource("/outbox/inventory.sql"));
    }

    static PostgresDatabase create(LocalPostgres server) {
        return new PostgresDatabase(server);
    }

    DataSource dataSource() {
        return dataSource;
    }

    String name() {
        return LocalPostgres.databaseName(dataSource);
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

    /** Drops the database and its replication slots, ending any connection a test left open. */
    @Override
    public void close() {
        try (Connection connection = server.dataSource("postgres").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = '" + name()
                    + "' AND active_pid IS NOT NULL");
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + name() + "'");
            statement.execute("DROP DATABASE IF EXISTS " + name() + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + name(), e);
        }
    }

    private static String resource(String path) {
        try (InputStream in = PostgresDatabase.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
