package dev.sagaline.participant.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/**
 * Writes messages to the outbox table inside the caller's database transaction, so a message
 * exists exactly when the change it announces was committed: a rollback takes both away. An
 * {@link PollingRelay} publishes committed messages afterwards.
 *
 * <pre>{@code
 * try (Connection tx = dataSource.getConnection()) {
 *     tx.setAutoCommit(false);
 *     orders.insert(tx, order);
 *     outbox.append(tx, OutboxMessage.of("order-created-" + order.id(), "orders.events", order.id(), bytes, clock.instant()));
 *     tx.commit();   // the order and its event, or neither
 * }
 * }</pre>
 *
 * <p>Thread-safe and stateless apart from the table name; one instance can serve the whole service.
 */
public final class Outbox {

    private final String insert;

    public Outbox(OutboxSchema schema) {
        Objects.requireNonNull(schema, "schema");
        this.insert = "INSERT INTO " + schema.outboxTable()
                + " (message_id, topic, message_key, message_value, headers, created_at) VALUES (?, ?, ?, ?, ?, ?)";
    }

    /**
     * Adds {@code message} to the outbox as part of {@code tx}; the caller commits or rolls back.
     *
     * @param tx the caller's connection, with auto-commit off
     * @throws SQLException from the driver; appending a message id that is already in the table
     *     fails with a unique-constraint violation (SQLState class {@code 23}), which rolls back a
     *     transaction that would otherwise publish the same message twice
     * @throws IllegalStateException when {@code tx} is in auto-commit mode: the message would then
     *     commit apart from the business change
     */
    public void append(Connection tx, OutboxMessage message) throws SQLException {
        Objects.requireNonNull(tx, "tx");
        Objects.requireNonNull(message, "message");
        Jdbc.requireTransaction(tx, "appending outbox message " + message.id());
        try (PreparedStatement statement = tx.prepareStatement(insert)) {
            statement.setString(1, message.id());
            statement.setString(2, message.topic());
            statement.setString(3, message.key());
            statement.setBytes(4, message.value());
            statement.setBytes(5, HeaderCodec.encode(message.headers()));
            Jdbc.setInstant(statement, 6, message.createdAt());
            statement.executeUpdate();
        }
    }
}
