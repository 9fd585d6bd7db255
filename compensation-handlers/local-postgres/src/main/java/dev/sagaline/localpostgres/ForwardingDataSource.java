package dev.sagaline.localpostgres;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source in front of another that decides how connections are handed out, such as the
 * benchmark's small pool or a test's injected database failure, and passes everything else to
 * the data source behind it. {@link #intercepted(Connection, ConnectionCalls)} wraps a
 * connection so that chosen calls do something else, without writing out the whole
 * {@link Connection} interface.
 *
 * <pre>{@code
 * DataSource failingCommits = new ForwardingDataSource(postgres.createDatabase("test")) {
 *     public Connection getConnection() throws SQLException {
 *         return intercepted(target().getConnection(), (method, args, proceed) -> {
 *             if (method.getName().equals("commit")) {
 *                 throw new SQLException("injected");
 *             }
 *             return proceed.call();
 *         });
 *     }
 * };
 * }</pre>
 */
public abstract class ForwardingDataSource implements DataSource {

    private final DataSource target;

    protected ForwardingDataSource(DataSource target) {
        this.target = target;
    }

    /** The data source behind this one. */
    protected final DataSource target() {
        return target;
    }

    /**
     * What every call on an {@link #intercepted intercepted} connection goes through.
     */
    @FunctionalInterface
    public interface ConnectionCalls {

        /**
         * Handles one call.
         *
         * @param method the {@link Connection} method called
         * @param args its arguments; null when it takes none
         * @param proceed makes the call on the connection behind, throwing what it throws
         * @return what the call returns
         */
        Object handle(Method method, Object[] args, Call proceed) throws Throwable;
    }

    /** The call on the connection behind an intercepted one. */
    @FunctionalInterface
    public interface Call {

        Object call() throws Throwable;
    }

    /** A connection whose every call goes to {@code calls}, which may pass it on to {@code physical}. */
    protected static Connection intercepted(Connection physical, ConnectionCalls calls) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (self, method, args) -> calls.handle(method, args, () -> {
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }

    /** Credentials are the target's; this hands out connections as {@link #getConnection()} does. */
    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return target.isWrapperFor(type);
    }
}
