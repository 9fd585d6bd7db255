package dev.sagaline.localpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(LocalPostgresExtension.class)
class LocalPostgresIT {

    @Test
    void runsWithLogicalReplicationSoChangeDataCaptureCanReadIt(LocalPostgres postgres) throws SQLException {
        assertThat(query(postgres.dataSource("postgres"), "SHOW wal_level")).isEqualTo("logical");
    }

    @Test
    void givesEveryCreatedDatabaseItsOwnTables(LocalPostgres postgres) throws SQLException {
        DataSource first = postgres.createDatabase("inventory");
        DataSource second = postgres.createDatabase("inventory");
        execute(first, "CREATE TABLE stock (sku TEXT PRIMARY KEY)");

        assertThat(LocalPostgres.databaseName(first)).isNotEqualTo(LocalPostgres.databaseName(second));
        assertThat(query(first, "SELECT count(*) FROM pg_tables WHERE tablename = 'stock'")).isEqualTo("1");
        assertThat(query(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'stock'")).isEqualTo("0");
    }

    @Test
    void refusesADatabasePrefixThatIsNotAPlainNameAndNamesIt(LocalPostgres postgres) {
        assertThatThrownBy(() -> postgres.createDatabase("x; DROP DATABASE postgres"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x; DROP DATABASE postgres'");
    }

    @Test
    void aClosedServerRefusesConnectionsAndCannotBeStartedAgain() {
        LocalPostgres postgres = LocalPostgres.builder().build().start();
        DataSource db = postgres.dataSource("postgres");
        postgres.close();

        assertThatThrownBy(db::getConnection).isInstanceOf(SQLException.class);
        assertThatThrownBy(postgres::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static String query(DataSource db, String sql) throws SQLException {
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    private static void execute(DataSource db, String sql) throws SQLException {
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
