package dev.cpdb.migration;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

/**
 * Retries a migration step whose statements ran into {@code lock_timeout}: each attempt is rolled back by PostgreSQL
 * and tried again after a growing pause, until the run's total wait is used up; then the step gives up with a
 * {@link MigrationBlockedException} naming the sessions that held the locks. Any other failure passes through at once.
 *
 * <p>
 * Blocking by design: the caller's thread sleeps between attempts.
 */
public final class LockWaits {

    /** PostgreSQL's SQLSTATE for a lock wait cancelled by {@code lock_timeout} ({@code lock_not_available}). */
    public static final String LOCK_NOT_AVAILABLE = "55P03";

    private static final Logger LOG = Logger.getLogger(LockWaits.class);

    private LockWaits() {
    }

    /** One attempt of a step; it must leave nothing behind when it fails (one transaction). */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails other than by a lock timeout, or the deadline leaves no room for
     * another try.
     *
     * @param what what is migrated, for messages ("core migrations", "plugin crm migration V2__add_column.sql")
     * @param watch opens a watch of the session the attempt runs on, for the names of the blockers
     * @throws MigrationBlockedException when the locks could not be had within the deadline
     */
    public static <T, E extends Exception> T retry(LockWaitPolicy policy, LockWaitPolicy.Deadline deadline,
            String what, Supplier<? extends Watch> watch, Attempt<T, E> attempt) throws E {
        Watch observer = watch.get();
        try {
            for (int failed = 0;; failed++) {
                try {
                    return attempt.run();
                } catch (Exception e) {
                    if (!isLockTimeout(e)) {
                        throw e;
                    }
                    java.time.Duration pause = policy.pause(failed);
                    if (deadline.exceededAfter(pause)) {
                        throw new MigrationBlockedException(what + ": table locks not available within "
                                + Durations.text(deadline.total()) + " (" + (failed + 1) + " attempt(s), lock_timeout "
                                + Durations.text(policy.lockTimeout()) + " each); blocked by "
                                + blockers(observer) + "; the blocked migration was rolled back");
                    }
                    LOG.infof("%s: lock not available within %s; trying again in %d ms", what,
                            Durations.text(policy.lockTimeout()), pause.toMillis());
                    deadline.sleep(pause, what);
                }
            }
        } finally {
            observer.close();
        }
    }

    /** Whether {@code failure}, or one of its causes, is PostgreSQL's lock timeout. */
    public static boolean isLockTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    if (LOCK_NOT_AVAILABLE.equals(next.getSQLState())) {
                        return true;
                    }
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static String blockers(Watch observer) {
        List<BlockingSession> sessions = observer.lastBlockers();
        Optional<RunningBackup> backup = observer.lastBackup();
        String named = sessions.isEmpty() ? "sessions that ended before they could be named"
                : sessions.stream().map(BlockingSession::describe).collect(Collectors.joining(", "));
        return named + backup.map(running -> "; " + running.describe() + " was running").orElse("");
    }

    /** Who was seen blocking the step's session. */
    public interface Watch extends AutoCloseable {

        List<BlockingSession> lastBlockers();

        Optional<RunningBackup> lastBackup();

        @Override
        void close();
    }
}
