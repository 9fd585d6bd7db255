package dev.sagaline.participant.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** The few JDBC conversions the outbox tables need, written once so every statement agrees. */
final class Jdbc {

    private Jdbc() {
    }

    /**
     * Binds an instant to a {@code TIMESTAMP WITH TIME ZONE} parameter. JDBC 4.2 maps
     * {@link OffsetDateTime} to that type; the value is cut to microseconds, the precision
     * PostgreSQL keeps, so what is read back equals what was written.
     */
    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setObject(index, truncate(instant).atOffset(ZoneOffset.UTC));
    }

    /** Reads a {@code TIMESTAMP WITH TIME ZONE} column; null stays null. */
    static Instant getInstant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Fails fast when a caller hands over a connection in auto-commit mode: every statement would
     * commit on its own, so the outbox row would not be atomic with the caller's business change,
     * which is the whole point of writing it there.
     */
    static void requireTransaction(Connection tx, String what) throws SQLException {
        if (tx.getAutoCommit()) {
            throw new IllegalStateException(what + " needs the caller's transaction, but the connection is in auto-commit "
                    + "mode, so it would commit apart from the business change; call setAutoCommit(false) first "
                    + "and commit both together");
        }
    }

    /** Rolls back after {@code failure}, keeping a rollback error as suppressed instead of hiding the first one. */
    static void rollbackAfter(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }
}
