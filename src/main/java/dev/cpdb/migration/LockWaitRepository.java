package dev.cpdb.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * All SQL that finds out who a migration waits for: sessions blocking a waiting backend ({@code pg_blocking_pids}),
 * the holder of the schema-change gate, and the backup holding the backup lease. Direct path only; every method takes
 * the connection to ask on, never the waiting one.
 */
final class LockWaitRepository {

    private static final String SESSION_COLUMNS = "b.pid, b.application_name, b.state, "
            + "floor(extract(epoch FROM now() - b.xact_start))::bigint, b.query";

    private LockWaitRepository() {
    }

    /** Sessions blocking any backend whose {@code application_name} is {@code waiter}. */
    static List<BlockingSession> blockersOfApplication(Connection connection, String waiter) throws SQLException {
        return sessions(connection, "SELECT DISTINCT " + SESSION_COLUMNS + " FROM pg_stat_activity w "
                + "CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS x(pid) "
                + "JOIN pg_stat_activity b ON b.pid = x.pid WHERE w.application_name = ? ORDER BY 1", waiter);
    }

    /** Sessions blocking the backend {@code pid}. */
    static List<BlockingSession> blockersOfPid(Connection connection, int pid) throws SQLException {
        return sessions(connection, "SELECT " + SESSION_COLUMNS + " FROM unnest(pg_blocking_pids(?)) AS x(pid) "
                + "JOIN pg_stat_activity b ON b.pid = x.pid ORDER BY 1", pid);
    }

    /**
     * Sessions holding the two-integer advisory lock {@code (lockClass, id)} of this database in {@code mode}
     * ({@code ExclusiveLock} or {@code ShareLock}).
     */
    static List<BlockingSession> advisoryHolders(Connection connection, int lockClass, int id, String mode)
            throws SQLException {
        return sessions(connection, "SELECT " + SESSION_COLUMNS + " FROM pg_locks l "
                + "JOIN pg_stat_activity b ON b.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                + "AND l.mode = ? AND l.database = (SELECT oid FROM pg_database "
                + "WHERE datname = current_database()) AND l.classid::bigint = ? AND l.objid::bigint = ? "
                + "AND l.objsubid = 2 ORDER BY 1", mode, Integer.toUnsignedLong(lockClass), Integer.toUnsignedLong(id));
    }

    /** The backup holding an unexpired backup lease, if the backup tables exist and one does. */
    static Optional<RunningBackup> runningBackup(Connection connection) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(
                "SELECT to_regclass('public.backup_lease') IS NOT NULL AND to_regclass('public.backup_runs') "
                        + "IS NOT NULL");
                ResultSet rs = exists.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return Optional.empty();
            }
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT l.run_id, r.phase, l.holder, "
                + "floor(extract(epoch FROM now() - l.acquired_at))::bigint FROM public.backup_lease l "
                + "LEFT JOIN public.backup_runs r ON r.id = l.run_id WHERE l.name = 'backup' "
                + "AND l.expires_at >= now()");
                ResultSet rs = statement.executeQuery()) {
            return rs.next()
                    ? Optional.of(new RunningBackup(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                    : Optional.empty();
        }
    }

    /** The server process id of {@code connection}. */
    static int backendPid(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_backend_pid()");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<BlockingSession> sessions(Connection connection, String sql, Object... parameters)
            throws SQLException {
        List<BlockingSession> sessions = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    long seconds = rs.getLong(4);
                    sessions.add(new BlockingSession(rs.getInt(1), rs.getString(2), rs.getString(3),
                            rs.wasNull() ? null : seconds, rs.getString(5)));
                }
            }
        }
        return sessions;
    }
}
