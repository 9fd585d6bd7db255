package dev.sagaline.participant.outbox;

import dev.sagaline.participant.outbox.internals.JdbcOffsetStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link CdcRelay} does before its engine starts: the offsets table, the publication of
 * the outbox table and the replication slot, created unless they exist, and the messages
 * committed before the slot published, so that none is lost and none published twice.
 */
final class ReplicationSetup {

    private static final Logger log = LoggerFactory.getLogger(CdcRelay.class);

    private final CdcRelay.Builder settings;
    private final String table;
    private final CdcPublisher publisher;

    ReplicationSetup(CdcRelay.Builder settings, CdcPublisher publisher) {
        this.settings = settings;
        this.table = settings.schema.outboxTable();
        this.publisher = publisher;
    }

    /**
     * Creates the publication of the outbox table and the replication slot unless they exist.
     * When the slot is new, the messages already in the table were committed before its start
     * point and will not be streamed, so they are published here: read under the snapshot the
     * slot was created with, which holds exactly the transactions committed before that point,
     * so no message is both read here and streamed. A marker in the offsets table records that
     * this was done; a slot without it (the relay died or failed in between) is dropped and
     * created again, so those messages are published on the next try instead of lost.
     */
    void prepare() throws SQLException, InterruptedException {
        String marker = "sagaline:backlog-published:" + settings.slotName;
        try (Connection connection = settings.dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute(JdbcOffsetStore.ddl(settings.offsetTable()));
            }
            if (!exists(connection, "SELECT 1 FROM pg_publication WHERE pubname = ?", settings.publicationName)) {
                try (Statement create = connection.createStatement()) {
                    create.execute("CREATE PUBLICATION " + settings.publicationName + " FOR TABLE " + table);
                }
                log.info("Created publication {} of outbox table {}", settings.publicationName, table);
            }
            boolean slot = exists(connection, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", settings.slotName);
            if (slot && exists(connection, "SELECT 1 FROM " + settings.offsetTable() + " WHERE offset_key = convert_to(?, 'UTF8')",
                    marker)) {
                return;
            }
            if (slot) {
                log.warn("Replication slot {} exists, but the messages from before it were never all published; "
                        + "dropping it to start over", settings.slotName);
                try (PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    drop.setString(1, settings.slotName);
                    drop.execute();
                }
            }
        }
        // The exported snapshot lives as long as the replication connection that created the slot
        // stays open and idle, so the backlog is read before that connection is closed.
        List<ProducerRecord<String, byte[]>> backlog;
        try (Connection replication = replicationConnection()) {
            ReplicationSlotInfo slot = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                    .logical().withSlotName(settings.slotName).withOutputPlugin("pgoutput").make();
            log.info("Created replication slot {} for outbox table {} at {}", settings.slotName, table, slot.getConsistentPoint());
            backlog = readUnder(slot.getSnapshotName());
        }
        publisher.sendAndDelete(backlog);
        try (Connection connection = settings.dataSource.getConnection();
                PreparedStatement mark = connection.prepareStatement("INSERT INTO " + settings.offsetTable()
                        + " (offset_key, offset_value, updated_at) VALUES (convert_to(?, 'UTF8'), NULL, now()) ON CONFLICT DO NOTHING")) {
            mark.setString(1, marker);
            mark.executeUpdate();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
        if (!backlog.isEmpty()) {
            log.info("Published {} message(s) committed to outbox table {} before replication slot {} existed",
                    backlog.size(), table, settings.slotName);
        }
    }

    private Connection replicationConnection() throws SQLException {
        DatabaseAddress address = settings.database;
        Properties properties = new Properties();
        PGProperty.USER.set(properties, address.user());
        PGProperty.PASSWORD.set(properties, address.password());
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return DriverManager.getConnection("jdbc:postgresql://" + address.host() + ":" + address.port() + "/"
                + address.database(), properties);
    }

    private List<ProducerRecord<String, byte[]>> readUnder(String snapshot) throws SQLException {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        try (Connection connection = settings.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                statement.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
                try (ResultSet row = statement.executeQuery("SELECT message_id, topic, message_key, message_value, headers FROM "
                        + table + " ORDER BY seq")) {
                    while (row.next()) {
                        records.add(OutboxRecords.of(row.getString(1), row.getString(2), row.getString(3), row.getBytes(4),
                                HeaderCodec.decode(row.getBytes(5))));
                    }
                }
            }
            connection.commit();
        }
        return records;
    }

    private static boolean exists(Connection connection, String query, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }
}
