package dev.cpdb.database.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.cpdb.ProcessOwner;
import dev.cpdb.database.DatabaseUrl;

/**
 * The zero-configuration PostgreSQL server: one per instance folder, data kept across restarts, listening on
 * 127.0.0.1 only.
 *
 * <p>
 * Layout below the instance folder: {@code db/} (the data directory), {@code db.password} (the generated
 * superuser password, mode 0600), {@code postgres.log} and {@code cpdb.lock} (held while a cpdb process owns the
 * server). This class is blocking by design and is used at start-up and shutdown only.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    /** Database created for cpdb on first start. */
    public static final String DATABASE = "cpdb";
    /** Superuser created by initdb. */
    public static final String SUPERUSER = "cpdb";

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class);

    /**
     * Where and how to run the server.
     *
     * @param instanceDir the instance folder, {@code $CPDB_HOME/instances/$CPDB_INSTANCE_ID}
     * @param distributionsDir shared folder for unpacked binaries
     */
    public record Settings(Path instanceDir, Path distributionsDir, int port, String osUser, Duration timeout,
            PostgresDistribution.Source binaries) {

        /** Settings with the binaries bundled in cpdb. */
        public Settings(Path instanceDir, Path distributionsDir, int port, String osUser, Duration timeout) {
            this(instanceDir, distributionsDir, port, osUser, timeout, PostgresDistribution.Source.bundled());
        }

        public Path dataDir() {
            return instanceDir.resolve("db");
        }

        Path passwordFile() {
            return instanceDir.resolve("db.password");
        }

        Path lockFile() {
            return instanceDir.resolve("cpdb.lock");
        }

        Path logFile() {
            return instanceDir.resolve("postgres.log");
        }
    }

    private final Settings settings;
    private final PostgresDistribution distribution;
    private final ServerUser user;
    private final InstanceLock lock;
    private final Process process;
    private final ParentBoundProcess launched;
    private final int port;
    private final String password;

    private EmbeddedPostgres(Settings settings, PostgresDistribution distribution, ServerUser user, InstanceLock lock,
            Process process, ParentBoundProcess launched, int port, String password) {
        this.settings = settings;
        this.distribution = distribution;
        this.user = user;
        this.lock = lock;
        this.process = process;
        this.launched = launched;
        this.port = port;
        this.password = password;
    }

    /**
     * Starts the server and owns it until {@link #close()}.
     *
     * @throws EmbeddedPostgresException when another cpdb process owns the instance, the port is taken, or the server
     *         cannot start; the message says what to do
     */
    public static EmbeddedPostgres start(Settings settings) {
        prepareInstanceDir(settings);
        InstanceLock lock = acquireLock(settings).orElseThrow(() -> new EmbeddedPostgresException(
                "another cpdb process" + holderDescription(settings) + " already runs the embedded PostgreSQL of "
                        + settings.instanceDir() + "; stop it first, or give this one its own CPDB_INSTANCE_ID"));
        try {
            return startLocked(settings, lock);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
    }

    /**
     * For one-off commands: uses the server of a running cpdb process on the same instance when there is one (without
     * owning it), otherwise starts and owns it like {@link #start(Settings)}.
     */
    public static EmbeddedPostgres attachOrStart(Settings settings) {
        prepareInstanceDir(settings);
        Optional<InstanceLock> lock = acquireLock(settings);
        if (lock.isPresent()) {
            try {
                return startLocked(settings, lock.get());
            } catch (RuntimeException e) {
                closeQuietly(lock.get());
                throw e;
            }
        }
        PostmasterPid pid = PostmasterPid.read(settings.dataDir())
                .filter(PostmasterPid::isReady)
                .orElseThrow(() -> new EmbeddedPostgresException("the cpdb process" + holderDescription(settings)
                        + " that owns " + settings.instanceDir()
                        + " has no running PostgreSQL yet; try again shortly"));
        String password = readPassword(settings)
                .orElseThrow(() -> new EmbeddedPostgresException("the password file " + settings.passwordFile()
                        + " is missing or unreadable"));
        return new EmbeddedPostgres(settings, null, null, null, null, null, pid.port(), password);
    }

    /** Connection URL of the {@value #DATABASE} database. */
    public DatabaseUrl url() {
        return new DatabaseUrl("127.0.0.1", port, DATABASE, SUPERUSER, password,
                java.util.Map.of("sslmode", "disable"));
    }

    /** TCP port the server listens on. */
    public int port() {
        return port;
    }

    /** The data directory. */
    public Path dataDir() {
        return settings.dataDir();
    }

    /** Whether this process started the server (and stops it on close) rather than using another process's. */
    public boolean owned() {
        return process != null;
    }

    /** Stops the server if this process started it, then releases the instance. */
    @Override
    public void close() {
        if (!owned()) {
            return;
        }
        try {
            stopServer();
        } finally {
            closeQuietly(lock);
        }
    }

    private static void prepareInstanceDir(Settings settings) {
        try {
            Files.createDirectories(settings.instanceDir());
            if (ProcessOwner.isRoot()) {
                // The unprivileged server user has to enter the instance folder to reach its data folder.
                Files.setPosixFilePermissions(settings.instanceDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot create the instance folder " + settings.instanceDir() + ": "
                    + e.getMessage() + " (set CPDB_HOME to a writable folder)", e);
        }
    }

    private static Optional<InstanceLock> acquireLock(Settings settings) {
        try {
            return InstanceLock.tryAcquire(settings.lockFile());
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot lock " + settings.lockFile() + ": " + e.getMessage(), e);
        }
    }

    private static String holderDescription(Settings settings) {
        return InstanceLock.holderPid(settings.lockFile()).map(pid -> " (pid " + pid + ")").orElse("");
    }

    private static EmbeddedPostgres startLocked(Settings settings, InstanceLock lock) {
        PostgresDistribution distribution = PostgresDistribution.unpackInto(settings.distributionsDir(),
                settings.binaries());
        ServerUser user = ServerUser.forCurrentProcess(settings.osUser());
        user.requireAccess(settings.instanceDir());
        String password = initializeIfNeeded(settings, distribution, user);
        checkVersion(settings, distribution);
        stopOrphanOrClearStalePid(settings, distribution, user);
        requireFreePort(settings.port());

        List<String> command = user.command(List.of(distribution.binary("postgres").toString(), "-D",
                settings.dataDir().toString(), "-p", Integer.toString(settings.port()), "-c",
                "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="), true);
        ParentBoundProcess launched;
        try {
            launched = ParentBoundProcess.start("cpdb-embedded-postgres", command, settings.logFile(),
                    settings.timeout());
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot launch the embedded PostgreSQL: " + e.getMessage(), e);
        }
        Process process = launched.process();
        EmbeddedPostgres server = new EmbeddedPostgres(settings, distribution, user, lock, process, launched,
                settings.port(), password);
        try {
            server.awaitReady();
            server.createDatabaseIfMissing();
        } catch (RuntimeException e) {
            server.stopServer();
            throw e;
        }
        LOG.infof("embedded PostgreSQL %s ready on 127.0.0.1:%d, data in %s", distribution.version(), settings.port(),
                settings.dataDir());
        return server;
    }

    private static String initializeIfNeeded(Settings settings, PostgresDistribution distribution, ServerUser user) {
        Path dataDir = settings.dataDir();
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            return readPassword(settings).orElseThrow(() -> new EmbeddedPostgresException("the data folder " + dataDir
                    + " exists but its password file " + settings.passwordFile() + " is missing; restore that file, "
                    + "or delete the data folder to start with an empty database"));
        }
        if (Files.exists(dataDir)) {
            throw new EmbeddedPostgresException(dataDir + " exists but is not a PostgreSQL data folder (no "
                    + "PG_VERSION); move it away or delete it");
        }
        String password = HexFormat.of().formatHex(randomBytes(24));
        Path staging = settings.instanceDir().resolve("db.initializing-" + UUID.randomUUID());
        Path pwFile = settings.instanceDir().resolve("db.password.initdb-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            Files.writeString(pwFile, password + "\n", StandardCharsets.US_ASCII);
            user.takeOwnership(staging);
            user.takeOwnership(pwFile);
            List<String> initdb = user.command(List.of(distribution.binary("initdb").toString(), "-D",
                    staging.toString(), "-U", SUPERUSER, "--pwfile=" + pwFile, "--auth=scram-sha-256", "-E", "UTF8",
                    "--no-locale"), false);
            ProcessResult result = ProcessResult.run(initdb, settings.timeout());
            if (result.exitCode() != 0) {
                throw new EmbeddedPostgresException("initdb failed (exit " + result.exitCode() + "): "
                        + result.lastLines(8));
            }
            writePassword(settings, password);
            Files.move(staging, dataDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            LOG.infof("initialized a new embedded PostgreSQL data folder in %s", dataDir);
            return password;
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot initialize " + dataDir + ": " + e.getMessage(), e);
        } finally {
            PostgresDistribution.deleteTree(staging);
            PostgresDistribution.deleteTree(pwFile);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static void writePassword(Settings settings, String password) throws IOException {
        Path file = settings.passwordFile();
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static Optional<String> readPassword(Settings settings) {
        try {
            String text = Files.readString(settings.passwordFile(), StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void checkVersion(Settings settings, PostgresDistribution distribution) {
        try {
            String dataVersion = Files.readString(settings.dataDir().resolve("PG_VERSION")).strip();
            if (!dataVersion.equals(distribution.majorVersion())) {
                throw new EmbeddedPostgresException("the data folder " + settings.dataDir() + " was created by "
                        + "PostgreSQL " + dataVersion + " but this cpdb bundles PostgreSQL " + distribution.version()
                        + "; take a backup with the older cpdb, move the folder away and restore into the new one");
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot read " + settings.dataDir().resolve("PG_VERSION"), e);
        }
    }

    /**
     * Runs with the instance lock held, so no live cpdb process owns a server on this data folder: a running server
     * found here was left by a cpdb process that died and is stopped; a pid file naming a dead or unrelated process
     * is stale and removed.
     */
    private static void stopOrphanOrClearStalePid(Settings settings, PostgresDistribution distribution,
            ServerUser user) {
        Optional<PostmasterPid> pid = PostmasterPid.read(settings.dataDir());
        if (pid.isEmpty()) {
            return;
        }
        if (pid.get().isLivePostgres()) {
            LOG.warnf("stopping PostgreSQL (pid %d) left running on %s by a cpdb process that has ended",
                    pid.get().pid(), settings.dataDir());
            ProcessResult result = ProcessResult.run(user.command(List.of(distribution.binary("pg_ctl").toString(),
                    "stop", "-D", settings.dataDir().toString(), "-m", "fast", "-w", "-t",
                    Long.toString(settings.timeout().toSeconds())), false), settings.timeout().plusSeconds(5));
            if (result.exitCode() != 0 || pid.get().isLivePostgres()) {
                throw new EmbeddedPostgresException("a PostgreSQL server (pid " + pid.get().pid() + ") still runs on "
                        + settings.dataDir() + " and could not be stopped: " + result.lastLines(4));
            }
            return;
        }
        try {
            LOG.infof("removing stale %s of ended process %d", PostmasterPid.FILE_NAME, pid.get().pid());
            Files.deleteIfExists(settings.dataDir().resolve(PostmasterPid.FILE_NAME));
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot remove the stale " + PostmasterPid.FILE_NAME + " in "
                    + settings.dataDir() + ": " + e.getMessage(), e);
        }
    }

    private static void requireFreePort(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // PostgreSQL binds with SO_REUSEADDR, so connections still in TIME_WAIT do not count as taken.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new EmbeddedPostgresException("port " + port + " on 127.0.0.1 is already in use by another program; "
                    + "stop it or set CPDB_EMBEDDED_PORT to a free port");
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new EmbeddedPostgresException("the embedded PostgreSQL exited with code " + process.exitValue()
                        + " while starting; its log " + settings.logFile() + " ends with: "
                        + ProcessResult.tail(settings.logFile(), 6));
            }
            Optional<PostmasterPid> pid = PostmasterPid.read(settings.dataDir());
            // setpriv execs the server, so the pid file names our child process itself.
            if (pid.isPresent() && pid.get().pid() == process.pid() && pid.get().isReady()) {
                return;
            }
            sleep(50);
        }
        throw new EmbeddedPostgresException("the embedded PostgreSQL did not become ready within "
                + settings.timeout().toSeconds() + " s; see " + settings.logFile());
    }

    private void createDatabaseIfMissing() {
        DatabaseUrl admin = url().with("postgres", SUPERUSER, password);
        try (Connection connection = connect(admin);
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new EmbeddedPostgresException("cannot create the database '" + DATABASE + "': " + e.getMessage(), e);
        }
    }

    private static Connection connect(DatabaseUrl url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", url.user());
        properties.setProperty("password", url.password());
        properties.setProperty("ApplicationName", "cpdb-embedded");
        return new org.postgresql.Driver().connect(
                "jdbc:postgresql://" + url.host() + ":" + url.port() + "/" + url.database(), properties);
    }

    private void stopServer() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<String> stop = new ArrayList<>(List.of(distribution.binary("pg_ctl").toString(), "stop", "-D",
                settings.dataDir().toString(), "-m", "fast", "-w", "-t",
                Long.toString(settings.timeout().toSeconds())));
        ProcessResult result = ProcessResult.run(user.command(stop, false), settings.timeout().plusSeconds(5));
        try {
            if (!process.waitFor(settings.timeout().toSeconds(), TimeUnit.SECONDS)) {
                LOG.warnf("embedded PostgreSQL did not stop (pg_ctl said: %s); killing it", result.lastLines(2));
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            launched.awaitThread(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("embedded PostgreSQL stopped");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("interrupted while waiting for the embedded PostgreSQL", e);
        }
    }

    private static void closeQuietly(InstanceLock lock) {
        if (lock == null) {
            return;
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.debugf(e, "releasing the instance lock failed");
        }
    }
}
