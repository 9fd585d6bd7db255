package dev.sagaline.participant.outbox;

import dev.sagaline.participant.CommandDispatcher;
import dev.sagaline.participant.DispatchResult;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.ProcessedCommandStore;
import dev.sagaline.participant.internals.IndexedProcessedCommandStore;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.serde.Payloads;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The participant's memory and rules for a service that reads its step commands with a plain
 * consumer and replies through the {@link Outbox}: one table, written in the same database
 * transaction as the service's work and its reply, holding the reply to every command id and the
 * state of every saga step.
 *
 * <p>{@link #handle} applies exactly the rules the Kafka {@link dev.sagaline.participant.Participant}
 * applies, over this table instead of RocksDB: a redelivered command id is answered from memory
 * and nothing runs; a compensation or cancel for a step never done here succeeds without calling
 * the handler (empty rollback); a forward action after the step's rollback is refused
 * (anti-hanging); CONFIRM and CANCEL are idempotent and exclude each other.
 *
 * <pre>{@code
 * for (ConsumerRecord<String, StepCommand> record : consumer.poll(Duration.ofSeconds(1))) {
 *     try (Connection tx = dataSource.getConnection()) {
 *         tx.setAutoCommit(false);
 *         DispatchResult result = inbox.handle(tx, record.value(), stock.handlersIn(tx), outbox);  // handlers work on tx
 *         tx.commit();                                                                          // work, memory and reply together
 *         if (result instanceof DispatchResult.DeadLettered dead) { deadLetters.send(record, dead); }
 *     }
 * }
 * consumer.commitSync();   // after the database: a crash in between redelivers, and the inbox answers from memory
 * }</pre>
 *
 * <p>Thread-safe and stateless apart from its settings; the handlers are given per call so they
 * can close over the transaction.
 */
public final class Inbox {

    /** The table's default name. */
    public static final String DEFAULT_TABLE = "sagaline_inbox";

    private static final Pattern IDENTIFIER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,47}\\.)?[A-Za-z_][A-Za-z0-9_]{0,47}");

    private final String table;
    private final Payloads payloads;
    private final OutboxReplies replies;
    private final Clock clock;

    /**
     * @param table the inbox table, a plain SQL identifier as for {@link OutboxSchema}
     * @param payloads decodes command inputs and encodes outputs, on the orchestrator's registry
     * @param replies builds the reply messages for the outbox
     * @param clock stamps replies and the table's entries
     */
    public Inbox(String table, Payloads payloads, OutboxReplies replies, Clock clock) {
        Objects.requireNonNull(table, "table");
        if (!IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("inbox table name '" + table + "' is not a plain SQL identifier: use letters, "
                    + "digits and underscores, starting with a letter or underscore, at most 48 characters, "
                    + "optionally qualified by a schema (schema.table)");
        }
        this.table = table;
        this.payloads = Objects.requireNonNull(payloads, "payloads");
        this.replies = Objects.requireNonNull(replies, "replies");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The table's DDL: entries by key space and key, keys ordered by their bytes for the time index's range scans. */
    public String ddl() {
        return "CREATE TABLE IF NOT EXISTS " + table + " (space VARCHAR(8) NOT NULL, entry_key TEXT COLLATE \"C\" NOT NULL, "
                + "entry_value BYTEA NOT NULL, PRIMARY KEY (space, entry_key))";
    }

    /** Creates the table unless it exists; safe to call at every start. */
    public void create(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(ddl());
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            throw new OutboxException("cannot create the inbox table; failed on: " + ddl(), e);
        }
    }

    /**
     * Answers {@code command} within {@code tx}: applies the participant's rules over the inbox,
     * calls the handler when they say so (the handler does its work on {@code tx} too), remembers
     * the reply, and appends it to {@code outbox}. A command id answered before appends nothing:
     * its reply was committed, and is being relayed, with the first delivery. The caller commits.
     *
     * @return the reply ({@link DispatchResult.Replied}, {@code duplicate} for a redelivery), or
     *     why the command belongs on the dead-letter topic (no handler, unknown action, no reply
     *     topic), in which case nothing was written
     * @throws IllegalStateException when {@code tx} is in auto-commit mode
     */
    public DispatchResult handle(Connection tx, StepCommand command, ParticipantHandlers handlers, Outbox outbox)
            throws SQLException {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(outbox, "outbox");
        Jdbc.requireTransaction(tx, "handling command " + command.getCommandId());
        DispatchResult result = CommandDispatcher.create(handlers, payloads, in(tx), clock).dispatch(command, clock.millis());
        if (result instanceof DispatchResult.Replied replied && !replied.duplicate()) {
            outbox.append(tx, replies.reply(command.getReplyTopic(), replied.reply()));
        }
        return result;
    }

    /** The inbox as a {@link ProcessedCommandStore} whose reads and writes run on {@code tx}. */
    public ProcessedCommandStore in(Connection tx) {
        return IndexedProcessedCommandStore.inTransaction(Objects.requireNonNull(tx, "tx"), table);
    }

    /**
     * Forgets up to {@code maxKeys} entries whose saga finished (its finish notice arrived) at or
     * before {@code cutoff}; entries of unfinished sagas are kept, as for the participant's own
     * retention. Call it again while the result says there is {@code more}.
     *
     * @return what was removed, and whether more is due
     */
    public ProcessedCommandStore.Purge purgeOlderThan(Connection tx, Instant cutoff, int maxKeys) {
        return in(tx).purgeOlderThan(cutoff.toEpochMilli(), maxKeys);
    }
}
