package dev.cpdb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.database.embedded.ParentBoundProcess;
import dev.cpdb.database.embedded.PostgresDistribution;
import dev.cpdb.database.embedded.ServerUser;

/**
 * A PostgreSQL 15 primary with one streaming replica, built with PostgreSQL's own replication: Debian's
 * {@code pg_basebackup} 15 clones the primary (the embedded 15 binaries) with {@code -R} and a replication slot, and
 * the clone runs as a hot standby on the same embedded binaries. One pair for the whole test JVM; tests that stop the
 * replica or pause its replay put it back before they end.
 */
public final class StreamingReplica {

    /** Debian's pg_basebackup (package postgresql-client-15). */
    public static final Path PG_BASEBACKUP = Path.of("/usr/lib/postgresql/15/bin/pg_basebackup");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SLOT = "cpdb_test_replica";
    private static StreamingReplica shared;

    private final EmbeddedPostgres primary;
    private final PostgresDistribution binaries;
    private final ServerUser user;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private ParentBoundProcess running;

    private StreamingReplica(EmbeddedPostgres primary, PostgresDistribution binaries, ServerUser user, Path dataDir,
            Path logFile, int port) {
        this.primary = primary;
        this.binaries = binaries;
        this.user = user;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
    }

    /** The pair, started on first use. */
    public static synchronized StreamingReplica shared() {
        if (shared == null) {
            shared = start();
            StreamingReplica started = shared;
            TestFolders.beforeRemoval(started::close);
        }
        return shared;
    }

    private static StreamingReplica start() {
        if (!Files.isExecutable(PG_BASEBACKUP)) {
            throw new IllegalStateException(PG_BASEBACKUP + " not found; install the Debian package "
                    + "postgresql-client-15 to run the read replica tests");
        }
        Path jar = Path.of("target/test-postgres/postgres-15.jar");
        PostgresDistribution.Source source = PostgresDistribution.Source.jar("15.18.0", jar);
        EmbeddedPostgres primary = EmbeddedPostgres.start(new EmbeddedPostgres.Settings(
                TestFolders.create("cpdb-test-primary").resolve("instance"), TestFolders.distributions(),
                FreePorts.next(), "cpdb", TIMEOUT, source));
        TestFolders.beforeRemoval(primary::close);
        ServerUser user = ServerUser.forCurrentProcess("cpdb");
        Path instance = TestFolders.create("cpdb-test-replica");
        Path dataDir = instance.resolve("db");
        int port = FreePorts.next();
        StreamingReplica replica = new StreamingReplica(primary,
                PostgresDistribution.unpackInto(TestFolders.distributions(), source), user, dataDir,
                instance.resolve("postgres.log"), port);
        replica.cloneFromPrimary(instance);
        replica.startServer();
        return replica;
    }

    private void cloneFromPrimary(Path instance) {
        DatabaseUrl server = primary.url();
        String conninfo = "host=" + server.host() + " port=" + server.port() + " user=" + server.user() + " password="
                + server.password() + " application_name=" + SLOT;
        try {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(instance, PosixFilePermissions.fromString("rwxr-xr-x"));
            user.takeOwnership(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(List.of(PG_BASEBACKUP.toString(), "-d", conninfo, "-D", dataDir.toString(), "-R", "-X", "stream", "-c",
                "fast", "-C", "-S", SLOT));
        try {
            // Written last, so it wins over what -R wrote: the standby logs in with the superuser's password.
            Files.writeString(dataDir.resolve("postgresql.auto.conf"), "primary_conninfo = '" + conninfo + "'\n",
                    StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the standby and waits until it accepts reads. */
    public synchronized void startServer() {
        if (running != null) {
            return;
        }
        List<String> command = user.command(List.of(binaries.binary("postgres").toString(), "-D",
                dataDir.toString(), "-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c",
                "unix_socket_directories=", "-c", "hot_standby=on"), true);
        try {
            running = ParentBoundProcess.start("cpdb-test-replica", command, logFile, TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try (Connection connection = TestPostgres.connect(url("postgres"));
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                rows.next();
                if (rows.getBoolean(1)) {
                    return;
                }
                throw new IllegalStateException("the clone is not in recovery; see " + logFile);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline || !running.process().isAlive()) {
                    throw new IllegalStateException("the replica did not accept reads; see " + logFile, e);
                }
                sleep(100);
            }
        }
    }

    /** Stops the standby the way an operator's fast shutdown does: open sessions are ended at once. */
    public synchronized void stopServer() {
        if (running == null) {
            return;
        }
        run(List.of(binaries.binary("pg_ctl").toString(), "stop", "-D", dataDir.toString(), "-m", "fast", "-w"));
        try {
            running.process().waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            running.awaitThread(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = null;
    }

    /** Creates a database on the primary and waits until the replica has it. */
    public String createDatabase(String prefix) {
        String name = TestPostgres.createDatabase(primary, prefix).database();
        awaitReplayed();
        return name;
    }

    /** The database {@code name} on the primary. */
    public DatabaseUrl primaryUrl(String name) {
        DatabaseUrl base = primary.url();
        return base.with(name, base.user(), base.password());
    }

    /** The database {@code name} on the replica. */
    public DatabaseUrl url(String name) {
        DatabaseUrl base = primary.url();
        return new DatabaseUrl(base.host(), port, name, base.user(), base.password(), Map.of("sslmode", "disable"));
    }

    /** Stops applying WAL on the replica ({@code pg_wal_replay_pause()}); it keeps receiving it. */
    public void pauseReplay() {
        TestPostgres.execute(url("postgres"), "SELECT pg_wal_replay_pause()");
    }

    public void resumeReplay() {
        TestPostgres.execute(url("postgres"), "SELECT pg_wal_replay_resume()");
    }

    /** Waits until the replica has replayed everything the primary has written so far. */
    public void awaitReplayed() {
        String target = queryText(primary.url(), "SELECT pg_current_wal_lsn()::text");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!"t".equals(queryText(url("postgres"),
                "SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the replica did not replay up to " + target);
            }
            sleep(50);
        }
    }

    /** Transactions committed in database {@code name} on the replica, as its statistics show them. */
    public long committedOnReplica(String name) {
        return Long.parseLong(queryText(url("postgres"),
                "SELECT xact_commit FROM pg_stat_database WHERE datname = '" + name + "'"));
    }

    private static String queryText(DatabaseUrl url, String sql) {
        try (Connection connection = TestPostgres.connect(url);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + sql, e);
        }
    }

    private void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(user.command(command, false)))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void close() {
        stopServer();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
