package dev.sagaline.participant;

import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.localpostgres.LocalPostgresExtension;
import dev.sagaline.participant.internals.IndexedProcessedCommandStore;
import dev.sagaline.participant.outbox.Inbox;
import dev.sagaline.participant.outbox.OutboxReplies;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/** The participant's store contract, held by the plain consumer's inbox table on PostgreSQL. */
@Tag("integration")
@ExtendWith(LocalPostgresExtension.class)
class JdbcProcessedCommandStoreIT extends ProcessedCommandStoreContract {

    private final Connection tx;

    JdbcProcessedCommandStoreIT(LocalPostgres postgres) throws SQLException {
        DataSource db = postgres.createDatabase("inbox_store");
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        new Inbox(Inbox.DEFAULT_TABLE, Payloads.withRegistry(registry), new OutboxReplies(new ProtocolSerdes(registry),
                Clock.systemUTC()), Clock.systemUTC()).create(db);
        tx = db.getConnection();
        tx.setAutoCommit(false);
    }

    @Override
    protected ProcessedCommandStore newStore() {
        return IndexedProcessedCommandStore.inTransaction(tx, Inbox.DEFAULT_TABLE);
    }

    @AfterEach
    void rollBack() throws SQLException {
        tx.rollback();
        tx.close();
    }
}
