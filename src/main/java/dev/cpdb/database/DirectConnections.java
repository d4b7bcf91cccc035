package dev.cpdb.database;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import dev.cpdb.database.querylog.QueryLog;

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
    private final QueryLog log;

    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    public DirectConnections(DatabaseUrl url, String applicationName, Duration connectTimeout) {
        this(url, applicationName, connectTimeout, QueryLog.disabled());
    }

    /**
     * @param log where statements sent through {@link Statement}s of these connections are timed and logged (COPY,
     *        which goes through the driver's copy API, is not)
     */
    public DirectConnections(DatabaseUrl url, String applicationName, Duration connectTimeout, QueryLog log) {
        this.url = url;
        this.log = log;
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
                    Object result = forward(connection, method, args);
                    if (result instanceof Statement statement && method.getName().startsWith("prepare")) {
                        return observed(statement, (String) args[0]);
                    }
                    return result instanceof Statement statement ? observed(statement, null) : result;
                });
    }

    /** The statement, its executions timed and logged; {@code template} is the prepared text, null for plain ones. */
    private Statement observed(Statement statement, String template) {
        Class<?> kind = statement instanceof java.sql.CallableStatement ? java.sql.CallableStatement.class
                : statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
        return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] { kind },
                (proxy, method, args) -> {
                    if (!EXECUTIONS.contains(method.getName())) {
                        return forward(statement, method, args);
                    }
                    String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : template;
                    QueryLog.Timing timing = log.start(QueryLog.Path.DIRECT, sql == null ? "batch" : sql, null,
                            false);
                    try {
                        Object result = forward(statement, method, args);
                        timing.finish(rows(result), null);
                        return result;
                    } catch (Throwable failure) {
                        timing.finish(-1, failure);
                        throw failure;
                    }
                });
    }

    private static long rows(Object result) {
        if (result instanceof Integer count) {
            return count;
        }
        if (result instanceof Long count) {
            return count;
        }
        if (result instanceof int[] counts) {
            return java.util.Arrays.stream(counts).filter(c -> c >= 0).asLongStream().sum();
        }
        return -1;
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
