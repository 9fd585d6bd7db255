package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Table names are checked before they reach SQL, and the DDL runs, repeatably, under any valid name.
 * (The SQL was also checked by hand against PostgreSQL 15; the build has no PostgreSQL, so H2's
 * PostgreSQL mode stands in for it here.)
 */
class OutboxSchemaTest {

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
    void createsTablesUnderCustomAndSchemaQualifiedNamesAndCanRunAgain() throws SQLException {
        try (H2Database db = H2Database.create()) {
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
    void theWholeCycleRunsInH2sPostgreSqlMode() throws SQLException {
        try (H2Database db = H2Database.postgreSqlMode()) {
            MutableClock clock = new MutableClock();
            TransactionLog transactionLog = new TransactionLog(db.dataSource(), OutboxSchema.defaults(), clock);
            try (Connection tx = db.transaction()) {
                new Outbox(OutboxSchema.defaults()).append(tx, OutboxMessage.of("e-1", "inventory.events", "sku-42",
                        new byte[] {1}, clock.instant()).withHeader("type", "StockReserved"));
                transactionLog.record(tx, "a-1", "refund", null);
                tx.commit();
            }
            MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

            try (OutboxRelay relay = OutboxRelay.builder().dataSource(db.dataSource()).producer(producer).clock(clock).build();
                    RetryScheduler scheduler = RetryScheduler.builder().transactionLog(transactionLog)
                            .action(entry -> ActionResult.done()).build()) {
                assertThat(relay.publishPending()).isOne();
                assertThat(scheduler.runDue()).isOne();
            }
            assertThat(producer.history()).hasSize(1);
            assertThat(transactionLog.find("a-1").orElseThrow().status()).isEqualTo(TransactionLogEntry.Status.DONE);
        }
    }

    @Test
    void reportsTheStatementThatFailed() {
        try (H2Database db = H2Database.create()) {
            OutboxSchema inMissingSchema = OutboxSchema.defaults().withOutboxTable("nowhere.outbox");

            assertThatThrownBy(() -> inMissingSchema.create(db.dataSource()))
                    .isInstanceOf(OutboxException.class)
                    .hasMessageContaining("CREATE TABLE IF NOT EXISTS nowhere.outbox");
        }
    }
}
