package dev.cpdb.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * The direct path: plain JDBC connections straight to PostgreSQL (never through a transaction pooler) for
 * migrations, COPY backups and restores, and locks.
 *
 * <p>
 * Blocking by design: callers run it on worker threads, never on the event loop. Each {@link #open()} opens a
 * new connection that the caller closes.
 */
public final class DirectConnections {

    private final DatabaseUrl url;
    private final PGSimpleDataSource dataSource;

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
    }

    /** Opens a new direct connection; the caller closes it. */
    public Connection open() throws SQLException {
        return dataSource.getConnection();
    }

    /** The same connections as a {@link DataSource}, for libraries such as Flyway. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Where the direct path goes. */
    public DatabaseEndpoint endpoint() {
        return url.endpoint();
    }
}
