package dev.sagaline.participant.outbox;

import dev.sagaline.participant.ParticipantException;

/**
 * A failure of the outbox relay, the transaction log or the retry scheduler while they work on
 * their own connections: a database error, or a message the broker did not acknowledge. The
 * message names the table, and the row where there is one.
 *
 * <p>Methods that take the caller's {@link java.sql.Connection} ({@link Outbox#append},
 * {@link TransactionLog#record}) throw {@link java.sql.SQLException} instead, since the caller
 * is already handling JDBC errors for the rest of its transaction.
 */
public class OutboxException extends ParticipantException {

    private static final long serialVersionUID = 1L;

    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
