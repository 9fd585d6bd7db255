package dev.sagaline.participant.outbox;

import dev.sagaline.participant.outbox.internals.JdbcOffsetStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The Debezium engine configuration behind a {@link CdcRelay}: the PostgreSQL connector on the
 * outbox table through {@code pgoutput}, shaped by Debezium's outbox event router, with offsets in
 * a table of the same database. Kept apart from the relay so the whole mapping from the outbox's columns to
 * Debezium's settings reads in one place.
 */
final class DebeziumSettings {

    /** The header the event router carries the outbox row's encoded headers in; the relay unpacks it. */
    static final String HEADERS_HEADER = "sagaline.outbox.headers";
    /** The header the event router always carries the event id (our {@code message_id}) in. */
    static final String EVENT_ID_HEADER = "id";

    private DebeziumSettings() {
    }

    static Properties of(CdcRelay.Builder builder) {
        Properties p = new Properties();
        p.setProperty("name", builder.name);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");

        DatabaseAddress database = builder.database;
        // Offsets live in the outbox's own database, beside the log position they name.
        p.setProperty("offset.storage", JdbcOffsetStore.class.getName());
        p.setProperty(JdbcOffsetStore.URL_CONFIG, "jdbc:postgresql://" + database.host() + ":" + database.port() + "/"
                + database.database());
        p.setProperty(JdbcOffsetStore.USER_CONFIG, database.user());
        p.setProperty(JdbcOffsetStore.PASSWORD_CONFIG, database.password());
        p.setProperty(JdbcOffsetStore.TABLE_CONFIG, builder.offsetTable());
        p.setProperty("offset.flush.interval.ms", Long.toString(builder.offsetFlushInterval.toMillis()));
        p.setProperty("offset.flush.timeout.ms", Long.toString(Duration.ofSeconds(30).toMillis()));

        p.setProperty("database.hostname", database.host());
        p.setProperty("database.port", Integer.toString(database.port()));
        p.setProperty("database.dbname", database.database());
        p.setProperty("database.user", database.user());
        p.setProperty("database.password", database.password());
        p.setProperty("topic.prefix", builder.name);

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", builder.slotName);
        p.setProperty("publication.name", builder.publicationName);
        // The relay creates the publication and the slot itself before the engine starts (see
        // ReplicationSetup#prepare), so Debezium finds both and streams from the slot.
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", Pattern.quote(qualified(builder.schema.outboxTable())));
        // No snapshot: rows already in the table when the slot is created are published by one
        // polling pass instead. A snapshot's rows could not be deleted safely until its end was
        // recorded in the offsets, and a relay killed before that would snapshot again without
        // the rows it had deleted.
        p.setProperty("snapshot.mode", "no_data");
        // Only inserts are messages; the relay's own deletes of published rows are not.
        p.setProperty("skipped.operations", "u,d,t");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("binary.handling.mode", "bytes");
        // How long the engine waits for changes before handing over a partial batch; the default
        // (500 ms) would be most of a step's latency.
        p.setProperty("poll.interval.ms", "50");

        p.setProperty("transforms", "outbox");
        p.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        p.setProperty("transforms.outbox.table.field.event.id", "message_id");
        p.setProperty("transforms.outbox.table.field.event.key", "message_key");
        p.setProperty("transforms.outbox.table.field.event.payload", "message_value");
        p.setProperty("transforms.outbox.route.by.field", "topic");
        p.setProperty("transforms.outbox.route.topic.replacement", "${routedByValue}");
        p.setProperty("transforms.outbox.route.tombstone.on.empty.payload", "true");
        p.setProperty("transforms.outbox.table.fields.additional.placement", "headers:header:" + HEADERS_HEADER);
        return p;
    }

    /** The table as Debezium names it: schema-qualified ({@code public} unless given) and folded to lower case, as PostgreSQL folds unquoted names. */
    static String qualified(String table) {
        String lower = table.toLowerCase(Locale.ROOT);
        return lower.contains(".") ? lower : "public." + lower;
    }
}
