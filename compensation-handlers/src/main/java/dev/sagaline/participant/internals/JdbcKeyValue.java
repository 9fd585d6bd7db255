package dev.sagaline.participant.internals;

import dev.sagaline.participant.outbox.OutboxException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link SortedKeyValue} over one key space of a PostgreSQL table, on the caller's connection,
 * so its writes join the caller's transaction. Keys are {@code COLLATE "C"}, which orders them by
 * their bytes as the interface requires.
 */
final class JdbcKeyValue<V> implements SortedKeyValue<V> {

    private final Connection tx;
    private final String space;
    private final Function<V, byte[]> encode;
    private final Function<byte[], V> decode;
    private final String select;
    private final String upsert;
    private final String delete;
    private final String range;

    JdbcKeyValue(Connection tx, String table, String space, Function<V, byte[]> encode, Function<byte[], V> decode) {
        this.tx = tx;
        this.space = space;
        this.encode = encode;
        this.decode = decode;
        this.select = "SELECT entry_value FROM " + table + " WHERE space = ? AND entry_key = ?";
        this.upsert = "INSERT INTO " + table + " (space, entry_key, entry_value) VALUES (?, ?, ?)"
                + " ON CONFLICT (space, entry_key) DO UPDATE SET entry_value = EXCLUDED.entry_value";
        this.delete = "DELETE FROM " + table + " WHERE space = ? AND entry_key = ?";
        this.range = "SELECT entry_key FROM " + table + " WHERE space = ? AND entry_key BETWEEN ? AND ? ORDER BY entry_key LIMIT ?";
    }

    @Override
    public V get(String key) {
        try (PreparedStatement statement = tx.prepareStatement(select)) {
            statement.setString(1, space);
            statement.setString(2, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? decode.apply(row.getBytes(1)) : null;
            }
        } catch (SQLException e) {
            throw failure("reading", key, e);
        }
    }

    @Override
    public void put(String key, V value) {
        try (PreparedStatement statement = tx.prepareStatement(upsert)) {
            statement.setString(1, space);
            statement.setString(2, key);
            statement.setBytes(3, encode.apply(value));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("writing", key, e);
        }
    }

    @Override
    public void delete(String key) {
        try (PreparedStatement statement = tx.prepareStatement(delete)) {
            statement.setString(1, space);
            statement.setString(2, key);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("deleting", key, e);
        }
    }

    @Override
    public List<String> keysBetween(String from, String to, int limit) {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement statement = tx.prepareStatement(range)) {
            statement.setString(1, space);
            statement.setString(2, from);
            statement.setString(3, to);
            statement.setInt(4, limit);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw failure("listing", from + ".." + to, e);
        }
        return keys;
    }

    /** Unchecked, because the store interface is; the caller's transaction then rolls back. */
    private OutboxException failure(String what, String key, SQLException e) {
        return new OutboxException(what + " inbox entry " + space + "/" + key + " failed: " + e.getMessage(), e);
    }
}
