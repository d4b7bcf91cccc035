package dev.cpdb.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.cpdb.database.DirectConnections;

/**
 * Watches a migration's session from a second direct connection while it runs and remembers who blocks it: once the
 * lock timeout has cancelled the waiting statement, {@code pg_blocking_pids} no longer knows, so the watch looks while
 * the wait is still going on. Each blocking session is logged once, with the running backup when there is one.
 *
 * <p>
 * Blocking by design: a daemon thread of its own, stopped by {@link #close()}.
 */
public final class LockWaitWatch implements LockWaits.Watch {

    private static final Logger LOG = Logger.getLogger(LockWaitWatch.class);

    /** How the watched session is recognized. */
    private interface Waiter {
        List<BlockingSession> blockers(Connection connection) throws SQLException;
    }

    private final DirectConnections connections;
    private final Waiter waiter;
    private final String what;
    private final Duration interval;
    private final Set<Integer> logged = new HashSet<>();
    private final Thread thread;
    private volatile List<BlockingSession> lastBlockers = List.of();
    private volatile RunningBackup lastBackup;
    private volatile boolean stopped;

    private LockWaitWatch(DirectConnections connections, Waiter waiter, String what, Duration lockTimeout) {
        this.connections = connections;
        this.waiter = waiter;
        this.what = what;
        // Several looks per lock timeout, so that even a short wait is seen.
        this.interval = Duration.ofMillis(Math.max(50, Math.min(1000, lockTimeout.toMillis() / 4)));
        this.thread = new Thread(this::run, "cpdb-migration-lock-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches the sessions whose {@code application_name} is {@code applicationName}. */
    static LockWaitWatch ofApplication(DirectConnections connections, String applicationName, String what,
            Duration lockTimeout) {
        return new LockWaitWatch(connections,
                connection -> LockWaitRepository.blockersOfApplication(connection, applicationName), what,
                lockTimeout);
    }

    /** Watches the session with server process id {@code pid}. */
    public static LockWaitWatch ofPid(DirectConnections connections, int pid, String what, Duration lockTimeout) {
        return new LockWaitWatch(connections, connection -> LockWaitRepository.blockersOfPid(connection, pid), what,
                lockTimeout);
    }

    /** The server process id of a direct connection, for {@link #ofPid}. */
    public static int backendPid(Connection connection) throws SQLException {
        return LockWaitRepository.backendPid(connection);
    }

    /** The sessions seen blocking the watched one most recently, possibly none. */
    @Override
    public List<BlockingSession> lastBlockers() {
        return lastBlockers;
    }

    /** The cpdb backup that was running when blockers were last seen, if any. */
    @Override
    public Optional<RunningBackup> lastBackup() {
        return Optional.ofNullable(lastBackup);
    }

    private void run() {
        try (Connection connection = connections.open()) {
            while (!stopped) {
                List<BlockingSession> blockers = waiter.blockers(connection);
                if (!blockers.isEmpty()) {
                    lastBackup = LockWaitRepository.runningBackup(connection).orElse(null);
                    lastBlockers = blockers;
                    logNew(blockers);
                }
                Thread.sleep(interval.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            if (!stopped) {
                LOG.debugf("cannot watch the lock waits of %s: %s", what, e.getMessage());
            }
        }
    }

    private void logNew(List<BlockingSession> blockers) {
        for (BlockingSession blocker : blockers) {
            if (logged.add(blocker.pid())) {
                RunningBackup backup = lastBackup;
                LOG.warnf("%s wait for a lock held by %s%s", what, blocker.describe(),
                        backup == null ? "" : "; " + backup.describe() + " is running");
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
