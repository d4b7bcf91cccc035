package dev.cpdb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.ParentBoundProcess;
import dev.cpdb.database.embedded.ServerUser;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

/**
 * A PgBouncer process in transaction mode in front of one PostgreSQL database, run from the operating system's
 * package (Debian's {@code pgbouncer}, version 1.18 on the build machines).
 *
 * <p>
 * PgBouncer refuses to run as root, so when the tests run as root it runs as the same unprivileged account as the
 * embedded PostgreSQL. It runs in the foreground as a child of a dedicated thread with a parent-death signal, so a
 * JVM that dies, even by SIGKILL, takes it along. Clients authenticate with SCRAM-SHA-256 against a plain-text
 * password in the userlist file, which PgBouncer 1.18 also reuses to log in to PostgreSQL.
 */
public final class PgBouncer implements AutoCloseable {

    /** Database name of PgBouncer's admin console. */
    public static final String ADMIN_DATABASE = "pgbouncer";

    /** Server connections PgBouncer keeps per database and user: small, so that clients must share them. */
    public static final int SERVER_POOL_SIZE = 2;

    /** Client connections PgBouncer accepts; well above what the tests open. */
    static final int MAX_CLIENT_CONNECTIONS = 500;

    private static final List<Path> WELL_KNOWN_FOLDERS = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"),
            Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/sbin"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final DatabaseUrl backend;
    private final Path logFile;
    private final Path folder;
    private final Settings settings;
    private Vertx adminVertx;

    private PgBouncer(Process process, int port, DatabaseUrl backend, Path logFile, Path folder, Settings settings) {
        this.process = process;
        this.port = port;
        this.backend = backend;
        this.logFile = logFile;
        this.folder = folder;
        this.settings = settings;
    }

    /** The {@code pgbouncer} executable, looked up on {@code PATH} and in the usual system folders. */
    public static Optional<Path> executable() {
        List<Path> folders = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(":")) {
                if (!entry.isBlank()) {
                    folders.add(Path.of(entry));
                }
            }
        }
        folders.addAll(WELL_KNOWN_FOLDERS);
        return folders.stream()
                .map(folder -> folder.resolve("pgbouncer"))
                .filter(Files::isRegularFile)
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Message used wherever PgBouncer is required but missing. */
    public static String missingMessage() {
        return "pgbouncer not found on PATH or in /usr/sbin; install the Debian package pgbouncer "
                + "(apt-get install pgbouncer) to run the PgBouncer tests";
    }

    /**
     * Starts PgBouncer on a free loopback port in front of {@code backend}, keeping its files in {@code folder}, and
     * returns once it accepts logins and reaches PostgreSQL.
     *
     * @throws IllegalStateException when the executable is missing or PgBouncer does not come up
     */
    public static PgBouncer start(DatabaseUrl backend, Path folder) {
        return start(backend, folder, Settings.TRANSACTION);
    }

    /**
     * What may differ between the PgBouncers of the tests.
     *
     * @param poolMode transaction or session
     * @param serverPoolSize server connections per database and user
     * @param serverLoginRetry seconds PgBouncer waits before it tries a failed server login again (its default is 15)
     */
    public record Settings(String poolMode, int serverPoolSize, int serverLoginRetry) {

        /** Transaction mode, {@link #SERVER_POOL_SIZE} server connections, PgBouncer's default login retry. */
        public static final Settings TRANSACTION = new Settings("transaction", SERVER_POOL_SIZE, 15);
    }

    /** Starts PgBouncer with the given settings; see {@link #start(DatabaseUrl, Path)}. */
    public static PgBouncer start(DatabaseUrl backend, Path folder, Settings settings) {
        IllegalStateException last = null;
        // A free port found now can be taken before PgBouncer binds it; a few attempts make that race harmless.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOn(FreePorts.next(), backend, folder, settings);
            } catch (PortTaken e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Starts PgBouncer again on the port, backend and settings of this one, which must have been closed: a restart of
     * the pooler as clients see it.
     */
    public PgBouncer startAgain() {
        return startOn(port, backend, folder, settings);
    }

    private static PgBouncer startOn(int port, DatabaseUrl backend, Path folder, Settings settings) {
        Path executable = executable().orElseThrow(() -> new IllegalStateException(missingMessage()));
        ServerUser user = ServerUser.forCurrentProcess("cpdb");
        Path logFile = folder.resolve("pgbouncer-" + port + ".log");
        Path config = writeFiles(folder, port, backend, logFile, settings);
        try {
            user.takeOwnership(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + folder + " to the user " + user.name(), e);
        }
        Process process = launch(user.command(List.of(executable.toString(), config.toString()), true), logFile);
        PgBouncer bouncer = new PgBouncer(process, port, backend, logFile, folder, settings);
        try {
            bouncer.awaitReady();
            return bouncer;
        } catch (IllegalStateException e) {
            bouncer.close();
            if (bouncer.log().contains("Address already in use")) {
                throw new PortTaken(e);
            }
            throw e;
        }
    }

    /** PgBouncer could not bind the port it was given. */
    private static final class PortTaken extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        PortTaken(IllegalStateException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The port PgBouncer listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** The database PgBouncer forwards to, i.e. the direct address. */
    public DatabaseUrl backend() {
        return backend;
    }

    /** The same database and credentials, reached through PgBouncer. */
    public DatabaseUrl url() {
        return new DatabaseUrl("127.0.0.1", port, backend.database(), backend.user(), backend.password(), Map.of());
    }

    /**
     * Runs one admin console command such as {@code SHOW CLIENTS} and returns its rows, each as column name to text
     * value.
     *
     * <p>
     * The console is reached with the Vert.x client rather than pgjdbc: the console reports PgBouncer's version as
     * its server version, pgjdbc takes that for a pre-9.0 PostgreSQL and sends {@code SET extra_float_digits}, which
     * the console rejects ("SET failed"), whatever {@code assumeMinServerVersion} says.
     */
    public List<Map<String, String>> show(String command) {
        PgConnectOptions options = new PgConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setDatabase(ADMIN_DATABASE)
                .setUser(backend.user())
                .setPassword(backend.password())
                .setProperties(Map.of("application_name", "cpdb-test-admin"));
        try {
            return PgConnection.connect(adminVertx(), options)
                    .compose(connection -> connection.query(command)
                            .execute()
                            .andThen(done -> connection.close()))
                    .map(PgBouncer::textRows)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("PgBouncer admin command failed: " + command, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during PgBouncer admin command " + command, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("PgBouncer admin command timed out: " + command, e);
        }
    }

    private static List<Map<String, String>> textRows(RowSet<Row> rows) {
        List<Map<String, String>> result = new ArrayList<>();
        for (Row row : rows) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int column = 0; column < row.size(); column++) {
                Object value = row.getValue(column);
                values.put(row.getColumnName(column), value == null ? null : value.toString());
            }
            result.add(values);
        }
        return result;
    }

    private synchronized Vertx adminVertx() {
        if (adminVertx == null) {
            adminVertx = Vertx.vertx();
        }
        return adminVertx;
    }

    /** PgBouncer's own log so far. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Stops PgBouncer with SIGTERM (its immediate shutdown) and waits for it to exit. */
    @Override
    public void close() {
        synchronized (this) {
            if (adminVertx != null) {
                adminVertx.close();
                adminVertx = null;
            }
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path writeFiles(Path folder, int port, DatabaseUrl backend, Path logFile, Settings pooling) {
        Path config = folder.resolve("pgbouncer-" + port + ".ini");
        Path userlist = folder.resolve("userlist.txt");
        String settings = String.join("\n",
                "[databases]",
                backend.database() + " = host=" + backend.host() + " port=" + backend.port() + " dbname="
                        + backend.database(),
                "",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                // No Unix socket: parallel test runs would otherwise compete for /tmp/.s.PGSQL.<port>.
                "unix_socket_dir =",
                "auth_type = scram-sha-256",
                "auth_file = " + userlist,
                "admin_users = " + backend.user(),
                "pool_mode = " + pooling.poolMode(),
                "default_pool_size = " + pooling.serverPoolSize(),
                "server_login_retry = " + pooling.serverLoginRetry(),
                "min_pool_size = 0",
                "reserve_pool_size = 0",
                "max_client_conn = " + MAX_CLIENT_CONNECTIONS,
                // Both pgjdbc and the Vert.x client send extra_float_digits, which PgBouncer rejects otherwise.
                "ignore_startup_parameters = extra_float_digits",
                "log_connections = 1",
                "log_disconnections = 1",
                "");
        String users = quote(backend.user()) + " " + quote(backend.password()) + "\n";
        try {
            Files.writeString(config, settings, StandardCharsets.UTF_8);
            Files.writeString(userlist, users, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(userlist, PosixFilePermissions.fromString("rw-------"));
            Files.deleteIfExists(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PgBouncer files in " + folder, e);
        }
        return config;
    }

    /** Userlist quoting: the value in double quotes, a double quote inside written twice. */
    private static String quote(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    /** Starts PgBouncer bound to this JVM (see {@link ParentBoundProcess}). */
    private static Process launch(List<String> command, Path logFile) {
        try {
            return ParentBoundProcess.start("test-pgbouncer", command, logFile, START_TIMEOUT).process();
        } catch (IOException e) {
            throw new IllegalStateException("cannot launch pgbouncer: " + e.getMessage(), e);
        }
    }

    /** Waits until a login through PgBouncer reaches PostgreSQL and answers a query. */
    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException lastFailure = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited with status " + process.exitValue()
                        + " while starting; its log:\n" + log());
            }
            try (Connection connection = connect();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT 1")) {
                rows.next();
                return;
            } catch (SQLException e) {
                lastFailure = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for pgbouncer", e);
            }
        }
        throw new IllegalStateException("pgbouncer did not accept a login within " + START_TIMEOUT.toSeconds()
                + " s (last error: " + (lastFailure == null ? "none" : lastFailure.getMessage()) + "); its log:\n"
                + log(), lastFailure);
    }

    /**
     * A pgjdbc connection through PgBouncer. Simple query mode keeps pgjdbc from using named server-side statements,
     * which a transaction pooler cannot route.
     */
    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", backend.user());
        properties.setProperty("password", backend.password());
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("ApplicationName", "cpdb-test-probe");
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/" + backend.database(),
                properties);
    }
}
