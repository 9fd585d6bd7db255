package dev.sagaline.app.demo;

import dev.sagaline.participant.outbox.DatabaseAddress;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The PostgreSQL database the demo's stock service keeps its stock in, with the address its CDC
 * relay opens the replication connection to.
 */
public record InventoryDatabase(DataSource dataSource, DatabaseAddress address) {

    public InventoryDatabase {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(address, "address");
    }
}
