package dev.sagaline.app.bench;

import dev.sagaline.localpostgres.ForwardingDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.sql.DataSource;

/**
 * A few reused connections in front of a data source that opens a new one per call, as a
 * service's connection pool would be: without it, the patterns that touch the database would be
 * measured opening connections. Idle connections beyond the pool's size are closed.
 */
final class ConnectionPool extends ForwardingDataSource implements AutoCloseable {

    private final BlockingQueue<Connection> idle;

    ConnectionPool(DataSource target, int size) {
        super(target);
        this.idle = new ArrayBlockingQueue<>(size);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = idle.poll();
        if (connection == null || connection.isClosed()) {
            connection = target().getConnection();
        }
        Connection physical = connection;
        physical.setAutoCommit(true);
        return intercepted(physical, (method, args, proceed) -> {
            if (!method.getName().equals("close")) {
                return proceed.call();
            }
            if (!physical.getAutoCommit()) {
                physical.rollback();
            }
            if (!idle.offer(physical)) {
                physical.close();
            }
            return null;
        });
    }

    @Override
    public void close() throws SQLException {
        for (Connection connection = idle.poll(); connection != null; connection = idle.poll()) {
            connection.close();
        }
    }
}
