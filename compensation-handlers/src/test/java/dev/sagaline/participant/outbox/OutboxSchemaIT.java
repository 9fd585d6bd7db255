package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.localpostgres.LocalPostgresExtension;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Table names are checked before they reach SQL, and the DDL runs on PostgreSQL, repeatably, under any valid name. */
@Tag("integration")
@ExtendWith(LocalPostgresExtension.class)
class OutboxSchemaIT {

    @ParameterizedTest
    @ValueSource(strings = {"outbox; DROP TABLE reservation", "outbox--", "\"outbox\"", "1outbox", "out box", "a.b.c", "",
            "a_name_of_forty_nine_characters_is_one_too_longxx"})
    void refusesAnOutboxTableNameThatIsNotAPlainIdentifierAndNamesIt(String name) {
        assertThatThrownBy(() -> OutboxSchema.defaults().withOutboxTable(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("outbox table name '" + name + "' is not a plain SQL identifier");
    }

    @Test
    void refusesABadTransactionLogTableNameAndSaysWhichTable() {
        assertThatThrownBy(() -> new OutboxSchema("outbox", "log' OR '1'='1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("transaction log table name 'log' OR '1'='1'");
    }

    @Test
    void refusesOneNameForBothTables() {
        assertThatThrownBy(() -> new OutboxSchema("events", "EVENTS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'events'");
    }

    @Test
    void createsTablesUnderCustomAndSchemaQualifiedNamesAndCanRunAgain(LocalPostgres postgres) throws SQLException {
        try (PostgresDatabase db = PostgresDatabase.create(postgres)) {
            db.execute("CREATE SCHEMA billing");
            OutboxSchema schema = new OutboxSchema("billing.outbox", "billing_retries");

            schema.create(db.dataSource());
            schema.create(db.dataSource());

            try (Connection tx = db.transaction()) {
                new Outbox(schema).append(tx, OutboxMessage.of("e-1", "billing.events", null, null, MutableClock.START));
                new TransactionLog(db.dataSource(), schema, new MutableClock()).record(tx, "a-1", "refund", null);
                tx.commit();
            }
            assertThat(db.count("billing.outbox")).isOne();
            assertThat(db.count("billing_retries")).isOne();
        }
    }

    @Test
    void reportsTheStatementThatFailed(LocalPostgres postgres) {
        try (PostgresDatabase db = PostgresDatabase.create(postgres)) {
            OutboxSchema inMissingSchema = OutboxSchema.defaults().withOutboxTable("nowhere.outbox");

            assertThatThrownBy(() -> inMissingSchema.create(db.dataSource()))
                    .isInstanceOf(OutboxException.class)
                    .hasMessageContaining("CREATE TABLE IF NOT EXISTS nowhere.outbox");
        }
    }
}
