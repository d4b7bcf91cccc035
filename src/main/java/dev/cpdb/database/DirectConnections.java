package dev.cpdb.database;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * The direct path: plain JDBC connections straight to PostgreSQL (never through a transaction pooler) for
 * migrations, COPY backups and restores, and locks.
 *
 * <p>
 * Blocking by design: callers run it on worker threads, never on the event loop. Each {@link #open()} opens a
 * new connection that the caller closes. Connections handed out and not yet closed are counted ({@link #inUse()}),
 * those Flyway takes from {@link #dataSource()} included.
 */
public final class DirectConnections {

    private final DatabaseUrl url;
    private final PGSimpleDataSource dataSource;
    private final DataSource counting;
    private final AtomicInteger inUse = new AtomicInteger();

    public DirectConnections(DatabaseUrl url, String applicationName, Duration connectTimeout) {
        this.url = url;
        this.dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] { url.host() });
        dataSource.setPortNumbers(new int[] { url.port() });
        dataSource.setDatabaseName(url.database());
        dataSource.setUser(url.user());
        dataSource.setPassword(url.password());
        dataSource.setApplicationName(url.option("application_name").orElse(applicationName) + "-direct");
        int connectSeconds = url.option("connect_timeout")
                .map(Integer::parseInt)
                .filter(seconds -> seconds > 0)
                .orElse((int) Math.max(1, connectTimeout.toSeconds()));
        dataSource.setConnectTimeout(connectSeconds);
        dataSource.setSslMode(url.sslMode());
        url.option("sslrootcert").ifPresent(dataSource::setSslRootCert);
        this.counting = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
                    Object result = forward(dataSource, method, args);
                    return result instanceof Connection connection ? counted(connection) : result;
                });
    }

    /** Opens a new direct connection; the caller closes it. */
    public Connection open() throws SQLException {
        return counted(dataSource.getConnection());
    }

    /** The same connections as a {@link DataSource}, for libraries such as Flyway. */
    public DataSource dataSource() {
        return counting;
    }

    /** Direct connections this process holds open now. */
    public int inUse() {
        return inUse.get();
    }

    /** The connection, counted in use until its first {@code close()}. */
    private Connection counted(Connection connection) {
        inUse.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] { Connection.class }, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0
                            && closed.compareAndSet(false, true)) {
                        inUse.decrementAndGet();
                    }
                    return forward(connection, method, args);
                });
    }

    private static Object forward(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Where the direct path goes. */
    public DatabaseEndpoint endpoint() {
        return url.endpoint();
    }
}
