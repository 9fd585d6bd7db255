package dev.sagaline.participant.outbox;

import dev.sagaline.participant.outbox.TransactionLogEntry.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A local table of outbound actions that must happen after a database change (send a message,
 * call another service), recorded in the same transaction as the change, so none is lost if the
 * process dies before it runs. A {@link RetryScheduler} then runs each PENDING entry until its
 * {@link Action} is done, retrying with backoff, and marks it FAILED with the reason when it gives
 * up; a FAILED entry stays in the table until an operator {@linkplain #requeue(String) requeues}
 * it.
 *
 * <pre>{@code
 * try (Connection tx = dataSource.getConnection()) {
 *     tx.setAutoCommit(false);
 *     orders.insert(tx, order);
 *     transactionLog.record(tx, "order-created-" + order.id(), "publish-order-created", orderBytes);
 *     tx.commit();   // the order and the pending action, or neither
 * }
 * }</pre>
 *
 * <p>Unlike the {@link Outbox}, which only ever publishes to Kafka, an entry can stand for any
 * action, and each entry is retried on its own schedule, without order between entries.
 *
 * <p>Thread-safe. All times come from the clock given here, which the scheduler shares, so tests
 * move time instead of sleeping.
 */
public final class TransactionLog {

    private static final String COLUMNS = "id, kind, payload, status, attempts, next_attempt_at, last_error, created_at, updated_at";

    private final DataSource dataSource;
    private final String table;
    private final Clock clock;
    private final String insert;
    private final String selectById;
    private final String selectByStatus;
    private final String selectDue;
    private final String takeLease;
    private final String settle;
    private final String requeue;
    private final String purgeDone;

    /**
     * @param dataSource where the table is, for the reads and updates this class does on its own
     *     connections; {@link #record} uses the caller's
     * @param clock decides when entries are due
     */
    public TransactionLog(DataSource dataSource, OutboxSchema schema, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = Objects.requireNonNull(schema, "schema").transactionLogTable();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.insert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, 'PENDING', 0, ?, NULL, ?, ?)";
        this.selectById = "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
        this.selectByStatus = "SELECT " + COLUMNS + " FROM " + table + " WHERE status = ? ORDER BY created_at, id FETCH FIRST ";
        // SKIP LOCKED: a scheduler passes over the row another one is claiming this instant
        // instead of queueing behind its lock, so several schedulers share the due entries.
        this.selectDue = "SELECT " + COLUMNS + ", lease_owner FROM " + table
                + " WHERE status = 'PENDING' AND next_attempt_at <= ? ORDER BY next_attempt_at, id"
                + " FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED";
        this.takeLease = "UPDATE " + table + " SET next_attempt_at = ?, lease_owner = ?, updated_at = ? WHERE id = ?";
        // Guarded by the lease, so an outcome that arrives after the lease ran out and another
        // scheduler took the entry over (or after an operator requeued it) is dropped instead of
        // overwriting the newer state.
        this.settle = "UPDATE " + table + " SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ?,"
                + " lease_owner = NULL WHERE id = ? AND status = 'PENDING' AND lease_owner = ?";
        this.requeue = "UPDATE " + table + " SET status = 'PENDING', attempts = 0, next_attempt_at = ?, updated_at = ?,"
                + " lease_owner = NULL WHERE id = ? AND status = 'FAILED'";
        this.purgeDone = "DELETE FROM " + table + " WHERE status = 'DONE' AND updated_at < ?";
    }

    /**
     * Records a PENDING action, due at once, as part of {@code tx}; the caller commits or rolls back.
     *
     * @param id unique, at most {@value TransactionLogEntry#MAX_ID_LENGTH} characters; recording
     *     an id twice fails with a unique-constraint violation (SQLState class {@code 23})
     * @param kind at most {@value TransactionLogEntry#MAX_KIND_LENGTH} characters
     * @param payload may be null
     * @throws IllegalStateException when {@code tx} is in auto-commit mode
     */
    public void record(Connection tx, String id, String kind, byte[] payload) throws SQLException {
        Objects.requireNonNull(tx, "tx");
        requireText("id", id, TransactionLogEntry.MAX_ID_LENGTH);
        requireText("kind", kind, TransactionLogEntry.MAX_KIND_LENGTH);
        Jdbc.requireTransaction(tx, "recording transaction log entry " + id);
        Instant now = clock.instant();
        try (PreparedStatement statement = tx.prepareStatement(insert)) {
            statement.setString(1, id);
            statement.setString(2, kind);
            statement.setBytes(3, payload);
            Jdbc.setInstant(statement, 4, now);
            Jdbc.setInstant(statement, 5, now);
            Jdbc.setInstant(statement, 6, now);
            statement.executeUpdate();
        }
    }

    /** The entry with {@code id}, if it was recorded (and committed). */
    public Optional<TransactionLogEntry> find(String id) {
        Objects.requireNonNull(id, "id");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(selectById)) {
            statement.setString(1, id);
            List<TransactionLogEntry> found = read(statement);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        } catch (SQLException e) {
            throw failure("reading entry " + id, e);
        }
    }

    /** Up to {@code limit} entries in {@code status}, oldest first: for example the FAILED ones an operator should look at. */
    public List<TransactionLogEntry> entries(Status status, int limit) {
        Objects.requireNonNull(status, "status");
        requireLimit(limit);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(selectByStatus + limit + " ROWS ONLY")) {
            statement.setString(1, status.name());
            return read(statement);
        } catch (SQLException e) {
            throw failure("listing " + status + " entries", e);
        }
    }

    /**
     * Makes a FAILED entry PENDING again, due at once, with its attempt count reset; its last
     * error stays until the next attempt replaces it. For operators, once the cause is fixed.
     *
     * @return false when there is no FAILED entry with {@code id}
     */
    public boolean requeue(String id) {
        Objects.requireNonNull(id, "id");
        Instant now = clock.instant();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(requeue)) {
            Jdbc.setInstant(statement, 1, now);
            Jdbc.setInstant(statement, 2, now);
            statement.setString(3, id);
            return executeUpdateAndCommit(connection, statement) == 1;
        } catch (SQLException e) {
            throw failure("requeueing entry " + id, e);
        }
    }

    /** Deletes DONE entries last changed before {@code cutoff}; PENDING and FAILED entries are never deleted. */
    public int purgeDone(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(purgeDone)) {
            Jdbc.setInstant(statement, 1, cutoff);
            return executeUpdateAndCommit(connection, statement);
        } catch (SQLException e) {
            throw failure("purging DONE entries", e);
        }
    }

    Clock clock() {
        return clock;
    }

    String table() {
        return table;
    }

    /**
     * Claims the longest overdue PENDING entry for {@code owner} until {@code leaseUntil}: in one
     * transaction, locks it (skipping rows other schedulers hold locked), moves its due time to
     * the end of the lease and records the owner. If the owner dies before {@linkplain #settle
     * settling} it, the entry is due again when the lease runs out and another scheduler takes it.
     *
     * @return the entry as it was before the claim, and whether an earlier lease on it had run out
     *     without an outcome; empty when nothing is due
     */
    Optional<Claim> claimNext(Instant now, Instant leaseUntil, String owner) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<Claim> claim = Optional.empty();
                try (PreparedStatement select = connection.prepareStatement(selectDue)) {
                    Jdbc.setInstant(select, 1, now);
                    try (ResultSet row = select.executeQuery()) {
                        if (row.next()) {
                            claim = Optional.of(new Claim(entry(row), row.getString("lease_owner")));
                        }
                    }
                }
                if (claim.isPresent()) {
                    try (PreparedStatement lease = connection.prepareStatement(takeLease)) {
                        Jdbc.setInstant(lease, 1, leaseUntil);
                        lease.setString(2, owner);
                        Jdbc.setInstant(lease, 3, now);
                        lease.setString(4, claim.get().entry().id());
                        lease.executeUpdate();
                    }
                }
                connection.commit();
                return claim;
            } catch (SQLException | RuntimeException e) {
                Jdbc.rollbackAfter(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw failure("claiming a due entry", e);
        }
    }

    /**
     * Stores the outcome of an attempt made under {@code owner}'s lease, and ends the lease.
     *
     * @return false when the lease was lost meanwhile (it ran out and another scheduler took the
     *     entry, or an operator requeued it), and this outcome was dropped
     */
    boolean settle(String id, String owner, Status status, int attempts, Instant nextAttemptAt, String lastError) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(settle)) {
            statement.setString(1, status.name());
            statement.setInt(2, attempts);
            Jdbc.setInstant(statement, 3, nextAttemptAt);
            statement.setString(4, lastError == null ? null : truncate(lastError));
            Jdbc.setInstant(statement, 5, clock.instant());
            statement.setString(6, id);
            statement.setString(7, owner);
            return executeUpdateAndCommit(connection, statement) == 1;
        } catch (SQLException e) {
            throw failure("recording the attempt on entry " + id, e);
        }
    }

    /**
     * A due entry claimed by one scheduler.
     *
     * @param entry the entry as it was before the claim
     * @param abandonedBy the owner of an earlier lease that ran out without an outcome (its
     *     scheduler died or hung mid-action), or null
     */
    record Claim(TransactionLogEntry entry, String abandonedBy) {
    }

    private static int executeUpdateAndCommit(Connection connection, PreparedStatement statement) throws SQLException {
        int updated = statement.executeUpdate();
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        return updated;
    }

    private static List<TransactionLogEntry> read(PreparedStatement statement) throws SQLException {
        List<TransactionLogEntry> entries = new ArrayList<>();
        try (ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                entries.add(entry(row));
            }
        }
        return entries;
    }

    private static TransactionLogEntry entry(ResultSet row) throws SQLException {
        return new TransactionLogEntry(row.getString("id"), row.getString("kind"), row.getBytes("payload"),
                Status.valueOf(row.getString("status")), row.getInt("attempts"),
                Jdbc.getInstant(row, "next_attempt_at"), row.getString("last_error"),
                Jdbc.getInstant(row, "created_at"), Jdbc.getInstant(row, "updated_at"));
    }

    private OutboxException failure(String what, SQLException e) {
        return new OutboxException("transaction log table " + table + ": " + what + " failed: " + e.getMessage(), e);
    }

    private static String truncate(String error) {
        return error.length() <= TransactionLogEntry.MAX_ERROR_LENGTH ? error : error.substring(0, TransactionLogEntry.MAX_ERROR_LENGTH);
    }

    private static void requireText(String what, String value, int maxLength) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.length() > maxLength) {
            throw new IllegalArgumentException("transaction log " + what + " '" + value + "' must be non-blank and at most "
                    + maxLength + " characters");
        }
    }

    private static void requireLimit(int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be between 1 and 10000, not " + limit);
        }
    }
}
