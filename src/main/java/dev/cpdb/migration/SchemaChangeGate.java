package dev.cpdb.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import dev.cpdb.database.DirectConnections;

/**
 * The lock that keeps schema migrations and backups of one database apart: a backup holds it exclusively for its
 * whole run, migrations (core and plugin) hold it shared while they take table locks. Migrations do not exclude each
 * other here (Flyway's lock and the plugin locks do that); a backup excludes them all, and they exclude a backup.
 *
 * <p>
 * It is a PostgreSQL session advisory lock in the two-integer form {@code ("cpdb", 1)} on a direct connection of its
 * own, so it is per database (a restore drill into a scratch database never meets it), it ends with the session when
 * a process dies, and it never collides with Flyway's single-bigint lock or the plugin locks (another class). Only
 * {@code pg_try_advisory_lock*} is used: nobody queues on it, waiting is a loop with back-off in the caller's time.
 * A migration also waits while the backup lease is held, which covers backups of versions that do not take this
 * lock (the old pods of the first rolling upgrade that has it).
 *
 * <p>
 * Blocking by design (JDBC).
 */
public final class SchemaChangeGate {

    /** Lock class ("cpdb"). */
    static final int LOCK_CLASS = 0x63706462;

    /** Lock id of the schema-change gate within the class. */
    static final int LOCK_ID = 1;

    private static final Logger LOG = Logger.getLogger(SchemaChangeGate.class);

    private SchemaChangeGate() {
    }

    /** A held gate on its own connection; closing releases it and the connection. */
    public static final class Hold implements AutoCloseable {

        private final Connection connection;
        private final boolean shared;

        private Hold(Connection connection, boolean shared) {
            this.connection = connection;
            this.shared = shared;
        }

        @Override
        public void close() {
            try (Connection closing = connection) {
                unlock(closing, shared);
            } catch (SQLException e) {
                // Closing the session ends the lock anyway.
                LOG.debugf("releasing the schema-change gate failed: %s", e.getMessage());
            }
        }
    }

    /**
     * For a backup: takes the gate exclusively, trying for at most {@code wait} (a migration that just looked at the
     * backup lease lets go within milliseconds).
     *
     * @return the hold, or empty while migrations hold the gate; {@link #migrationsHolding} says which
     */
    public static Optional<Hold> tryForBackup(DirectConnections connections, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        Connection connection = connections.open();
        try {
            while (true) {
                if (tryLock(connection, false)) {
                    Hold hold = new Hold(connection, false);
                    connection = null;
                    return Optional.of(hold);
                }
                if (System.nanoTime() >= deadline) {
                    return Optional.empty();
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** One line naming the sessions of running migrations that hold the gate, for a refused backup. */
    public static String migrationsHolding(DirectConnections connections) {
        try (Connection connection = connections.open()) {
            List<BlockingSession> holders = LockWaitRepository.advisoryHolders(connection, LOCK_CLASS, LOCK_ID,
                    "ShareLock");
            return holders.isEmpty() ? "a schema migration"
                    : "a schema migration in " + holders.stream().map(BlockingSession::describe)
                            .collect(Collectors.joining(", "));
        } catch (SQLException e) {
            return "a schema migration";
        }
    }

    /**
     * One line naming whatever holds the gate: migrations (shared) or a backup (exclusive), for a backup that has no
     * lease to tell the two apart (the {@code backup} command).
     */
    public static String holders(DirectConnections connections) {
        try (Connection connection = connections.open()) {
            List<BlockingSession> backups = LockWaitRepository.advisoryHolders(connection, LOCK_CLASS, LOCK_ID,
                    "ExclusiveLock");
            return backups.isEmpty() ? migrationsHolding(connections) : gateHolders(connection);
        } catch (SQLException e) {
            return "a schema migration or another backup";
        }
    }

    /**
     * For a migration: takes the gate shared once no backup runs, waiting with back-off until {@code deadline}. While
     * it waits it logs the backup it waits for (id, phase, replica) once per backup.
     *
     * @param what what waits, for messages ("core migrations", "plugin crm")
     * @throws MigrationBlockedException when a backup still runs at the deadline
     */
    public static Hold awaitForMigration(DirectConnections connections, LockWaitPolicy policy,
            LockWaitPolicy.Deadline deadline, String what) throws SQLException {
        Connection connection = connections.open();
        try {
            String lastBlocker = null;
            for (int attempt = 0;; attempt++) {
                boolean locked = tryLock(connection, true);
                Optional<RunningBackup> backup = LockWaitRepository.runningBackup(connection);
                if (locked && backup.isEmpty()) {
                    Hold hold = new Hold(connection, true);
                    connection = null;
                    return hold;
                }
                if (locked) {
                    unlock(connection, true);
                }
                String blocker = backup.isPresent() ? backup.get().describe() : gateHolders(connection);
                String blockerKey = backup.map(RunningBackup::id).orElse(blocker);
                if (!blockerKey.equals(lastBlocker)) {
                    LOG.warnf("%s wait for %s to finish before taking table locks (waiting at most %s in total)",
                            what, blocker, Durations.text(deadline.total()));
                    lastBlocker = blockerKey;
                }
                Duration pause = policy.pause(attempt);
                if (deadline.exceededAfter(pause)) {
                    throw new MigrationBlockedException(what + " did not start within "
                            + Durations.text(deadline.total()) + ": waited for " + blocker + " to finish");
                }
                deadline.sleep(pause, what);
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private static String gateHolders(Connection connection) throws SQLException {
        List<BlockingSession> holders = LockWaitRepository.advisoryHolders(connection, LOCK_CLASS, LOCK_ID,
                "ExclusiveLock");
        return "a cpdb backup" + (holders.isEmpty() ? ""
                : " in " + holders.stream().map(BlockingSession::describe).collect(Collectors.joining(", ")));
    }

    private static boolean tryLock(Connection connection, boolean shared) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                shared ? "SELECT pg_try_advisory_lock_shared(?, ?)" : "SELECT pg_try_advisory_lock(?, ?)")) {
            statement.setInt(1, LOCK_CLASS);
            statement.setInt(2, LOCK_ID);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection connection, boolean shared) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                shared ? "SELECT pg_advisory_unlock_shared(?, ?)" : "SELECT pg_advisory_unlock(?, ?)")) {
            statement.setInt(1, LOCK_CLASS);
            statement.setInt(2, LOCK_ID);
            statement.execute();
        }
    }
}
