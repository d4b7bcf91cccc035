package dev.cpdb.plugin.namespace;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import org.jboss.logging.Logger;

/**
 * One plugin's migration lock: a PostgreSQL session advisory lock held on a direct connection, so that instances
 * migrating the same plugin take turns while different plugins never wait for each other.
 *
 * <p>
 * The lock uses the two-integer form {@code (class, id)}: the class is fixed for cpdb plugins, the id comes from a
 * hash of the plugin key, so it never meets Flyway's single-bigint lock. A hash collision between two keys only makes
 * them take turns. Advisory locks are per database. The lock ends with the session if the process dies; otherwise
 * {@link #release()} ends it, and a failing release is logged, never thrown over the caller's own error.
 */
final class PluginLock {

    /** Lock class of cpdb plugin locks ("cplg"). */
    static final int LOCK_CLASS = 0x63706c67;

    private static final Logger LOG = Logger.getLogger(PluginLock.class);
    private static final long RETRY_MILLIS = 200;

    private final Connection connection;
    private final String key;
    private final int id;
    private boolean held;

    PluginLock(Connection connection, String key) {
        this.connection = connection;
        this.key = key;
        this.id = lockId(key);
    }

    /** The lock id of a plugin key. */
    static int lockId(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("cpdb-plugin:" + key).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Tries to take the lock until {@code timeout} has passed.
     *
     * @return whether the lock is now held
     */
    boolean acquire(Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (tryLock()) {
                held = true;
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            LOG.debugf("plugin %s is being migrated by another instance; waiting", key);
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private boolean tryLock() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            statement.setInt(1, LOCK_CLASS);
            statement.setInt(2, id);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Releases the lock if held; failures are logged (closing the connection releases it anyway). */
    void release() {
        if (!held) {
            return;
        }
        held = false;
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
            statement.setInt(1, LOCK_CLASS);
            statement.setInt(2, id);
            statement.execute();
        } catch (SQLException e) {
            LOG.warnf("releasing the migration lock of plugin %s failed (%s); it ends with the connection", key,
                    e.getMessage());
        }
    }
}
