package dev.sagaline.participant.outbox;

import java.util.Objects;

/**
 * Where the {@link CdcRelay} opens its replication connection: Debezium connects to PostgreSQL
 * itself, with a replication-capable role, rather than through the service's data source.
 *
 * @param host the server's host name or address
 * @param port the server's port, 1 to 65535
 * @param database the database holding the outbox table
 * @param user a role with the REPLICATION attribute (and, for the publication created on start,
 *     ownership of the outbox table)
 * @param password the role's password; empty for trust authentication. Never printed
 */
public record DatabaseAddress(String host, int port, String database, String user, String password) {

    public DatabaseAddress {
        requireText("host", host);
        requireText("database", database);
        requireText("user", user);
        Objects.requireNonNull(password, "password");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("database port must be between 1 and 65535, not " + port);
        }
    }

    /** Hides the password, so the address can be logged. */
    @Override
    public String toString() {
        return "DatabaseAddress[" + user + "@" + host + ":" + port + "/" + database + "]";
    }

    private static void requireText(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException("database " + what + " must not be blank");
        }
    }
}
