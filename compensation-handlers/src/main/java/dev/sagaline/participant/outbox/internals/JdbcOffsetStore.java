package dev.sagaline.participant.outbox.internals;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

/**
 * Keeps the CDC relay's Debezium offsets in a table of the outbox's own database, next to the
 * log they point into, instead of a Kafka topic. Debezium creates it by class name from the
 * {@code offset.storage} setting and configures it from the engine's properties: the {@code
 * sagaline.offsets.jdbc.*} keys below.
 *
 * <p>Public only because Debezium instantiates it reflectively; not part of the API.
 */
public final class JdbcOffsetStore implements OffsetBackingStore {

    /** The JDBC URL of the database holding the offsets table. */
    public static final String URL_CONFIG = "sagaline.offsets.jdbc.url";
    /** The database user. */
    public static final String USER_CONFIG = "sagaline.offsets.jdbc.user";
    /** The user's password. */
    public static final String PASSWORD_CONFIG = "sagaline.offsets.jdbc.password";
    /** The offsets table, created if missing. */
    public static final String TABLE_CONFIG = "sagaline.offsets.jdbc.table";

    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final Map<ByteBuffer, ByteBuffer> offsets = new ConcurrentHashMap<>();
    private String url;
    private String user;
    private String password;
    private String table;
    private Connection connection;

    public JdbcOffsetStore() {
        // Debezium creates the store by its no-argument constructor, then calls configure and start.
    }

    @Override
    public void configure(WorkerConfig config) {
        Map<String, String> settings = config.originalsStrings();
        url = required(settings, URL_CONFIG);
        user = required(settings, USER_CONFIG);
        password = settings.getOrDefault(PASSWORD_CONFIG, "");
        table = required(settings, TABLE_CONFIG);
        if (!TABLE.matcher(table).matches()) {
            throw new ConnectException(TABLE_CONFIG + " '" + table + "' is not a plain SQL identifier");
        }
    }

    /** Creates the table if missing and reads every offset into memory, where {@link #get} answers from. */
    @Override
    public synchronized void start() {
        try {
            connection = DriverManager.getConnection(url, user, password);
            try (Statement statement = connection.createStatement()) {
                statement.execute(ddl(table));
            }
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT offset_key, offset_value FROM " + table)) {
                while (rows.next()) {
                    byte[] value = rows.getBytes(2);
                    if (value != null) {
                        offsets.put(ByteBuffer.wrap(rows.getBytes(1)), ByteBuffer.wrap(value));
                    }
                }
            }
        } catch (SQLException e) {
            stop();
            throw new ConnectException("cannot read the CDC relay's offsets from table " + table + ": " + e.getMessage(), e);
        }
    }

    /** The offsets table; the relay also keeps its own markers in it, under keys Debezium never asks for. */
    public static String ddl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table
                + " (offset_key BYTEA PRIMARY KEY, offset_value BYTEA, updated_at TIMESTAMP WITH TIME ZONE NOT NULL)";
    }

    @Override
    public synchronized void stop() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing is best effort; every offset written was committed already.
            }
            connection = null;
        }
    }

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Map<ByteBuffer, ByteBuffer> found = new HashMap<>();
        for (ByteBuffer key : keys) {
            ByteBuffer value = offsets.get(key);
            if (value != null) {
                found.put(key, value);
            }
        }
        return CompletableFuture.completedFuture(found);
    }

    /** Writes the offsets in one transaction; a null value deletes its key. */
    @Override
    public synchronized Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        try {
            Objects.requireNonNull(connection, "the offset store is not started");
            connection.setAutoCommit(false);
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table
                    + " (offset_key, offset_value, updated_at) VALUES (?, ?, now()) ON CONFLICT (offset_key)"
                    + " DO UPDATE SET offset_value = EXCLUDED.offset_value, updated_at = EXCLUDED.updated_at");
                    PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE offset_key = ?")) {
                for (Map.Entry<ByteBuffer, ByteBuffer> entry : values.entrySet()) {
                    if (entry.getValue() == null) {
                        delete.setBytes(1, bytes(entry.getKey()));
                        delete.addBatch();
                    } else {
                        upsert.setBytes(1, bytes(entry.getKey()));
                        upsert.setBytes(2, bytes(entry.getValue()));
                        upsert.addBatch();
                    }
                }
                upsert.executeBatch();
                delete.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException e) {
            ConnectException failure = new ConnectException("cannot write the CDC relay's offsets to table " + table + ": "
                    + e.getMessage(), e);
            if (callback != null) {
                callback.onCompletion(failure, null);
            }
            return CompletableFuture.failedFuture(failure);
        }
        values.forEach((key, value) -> {
            if (value == null) {
                offsets.remove(key);
            } else {
                offsets.put(key, value);
            }
        });
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Only Kafka Connect's exactly-once source support asks this, which the embedded engine does not use. */
    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }

    private static String required(Map<String, String> settings, String key) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            throw new ConnectException("the CDC relay's offset store needs " + key);
        }
        return value;
    }
}
