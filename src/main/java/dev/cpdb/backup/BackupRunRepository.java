package dev.cpdb.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * All SQL of the backup catalog ({@code backup_runs}) and lease ({@code backup_lease}), on the direct path. Each
 * method takes a JDBC connection in auto-commit mode. Times come from the database ({@code now()}), so replicas
 * with skewed clocks still agree on leases and slots.
 */
final class BackupRunRepository {

    static final String LEASE = "backup";

    /** Names of the drills' own leases start with this, followed by the drill's run id. */
    static final String DRILL_LEASE_PREFIX = "verify:";

    private static final String COLUMNS = "id, kind, backup_id, trigger, slot, status, phase, target, holder, "
            + "started_at, finished_at, bytes, row_count, error";

    private BackupRunRepository() {
    }

    /**
     * Takes the lease when it is free or expired.
     *
     * @return true when {@code holder} now holds it for {@code runId}
     */
    static boolean acquireLease(Connection connection, String holder, String runId, Duration ttl) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO public.backup_lease (name, holder, run_id, acquired_at, expires_at) "
                        + "VALUES (?, ?, ?, now(), now() + ? * interval '1 millisecond') "
                        + "ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, run_id = EXCLUDED.run_id, "
                        + "acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at "
                        + "WHERE public.backup_lease.expires_at < now() RETURNING holder")) {
            statement.setString(1, LEASE);
            statement.setString(2, holder);
            statement.setString(3, runId);
            statement.setLong(4, ttl.toMillis());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Takes the lease of restore drill {@code runId}: drills run side by side, so each has its own lease, named after
     * it, which only says that its holder is alive. The name is new, so it is always free.
     */
    static void takeDrillLease(Connection connection, String holder, String runId, Duration ttl) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO public.backup_lease (name, holder, run_id, acquired_at, expires_at) "
                        + "VALUES (?, ?, ?, now(), now() + ? * interval '1 millisecond')")) {
            statement.setString(1, DRILL_LEASE_PREFIX + runId);
            statement.setString(2, holder);
            statement.setString(3, runId);
            statement.setLong(4, ttl.toMillis());
            statement.executeUpdate();
        }
    }

    /**
     * Extends the lease of run {@code runId} (a backup's, or a drill's own); false when it was lost: taken by another
     * replica after it expired, or the run already declared interrupted by another replica after it expired (that
     * replica has aborted its upload, so going on is pointless). A run that succeeded keeps renewing while its
     * retention step runs under the lease.
     */
    static boolean renewLease(Connection connection, String holder, String runId, Duration ttl) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE public.backup_lease l SET expires_at = "
                + "now() + ? * interval '1 millisecond' WHERE l.holder = ? AND l.run_id = ? "
                + "AND NOT EXISTS (SELECT 1 FROM public.backup_runs r WHERE r.id = l.run_id AND r.status = 'failed')")) {
            statement.setLong(1, ttl.toMillis());
            statement.setString(2, holder);
            statement.setString(3, runId);
            return statement.executeUpdate() == 1;
        }
    }

    /** Gives the lease of run {@code runId} back, if still held. */
    static void releaseLease(Connection connection, String holder, String runId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM public.backup_lease WHERE holder = ? AND run_id = ?")) {
            statement.setString(1, holder);
            statement.setString(2, runId);
            statement.executeUpdate();
        }
    }

    /** Who holds the lease, for which run, since when. */
    record Lease(String runId, String holder, Instant acquiredAt) {
    }

    /** The unexpired lease, if any. */
    static Optional<Lease> lease(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT run_id, holder, acquired_at FROM public.backup_lease WHERE name = ? AND expires_at >= now()")) {
            statement.setString(1, LEASE);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(new Lease(rs.getString(1), rs.getString(2), instant(rs, "acquired_at")))
                        : Optional.empty();
            }
        }
    }

    /**
     * Whether the database has the backup catalog (run table and lease), that is, the service's migrations ran on it;
     * the {@code backup} command also backs up databases that never had them.
     */
    static boolean catalogPresent(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT to_regclass('public.backup_runs') IS NOT NULL "
                        + "AND to_regclass('public.backup_lease') IS NOT NULL");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Backups recorded as running whose lease is live: running now on some replica or command. */
    static long runningBackups(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM public.backup_runs r JOIN public.backup_lease l ON l.run_id = r.id "
                        + "WHERE r.kind = 'backup' AND r.status = 'running' AND l.expires_at >= now()");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Records a new running run.
     *
     * @return false when a run of this kind already claimed {@code slot}
     */
    static boolean insert(Connection connection, String id, String kind, String backupId, String trigger,
            Instant slot, String target, String holder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO public.backup_runs (id, kind, backup_id, trigger, slot, status, phase, target, holder) "
                        + "VALUES (?, ?, ?, ?, ?, 'running', 'starting', ?, ?) ON CONFLICT DO NOTHING")) {
            statement.setString(1, id);
            statement.setString(2, kind);
            statement.setString(3, backupId);
            statement.setString(4, trigger);
            statement.setTimestamp(5, slot == null ? null : Timestamp.from(slot));
            statement.setString(6, target);
            statement.setString(7, holder);
            return statement.executeUpdate() == 1;
        }
    }

    static void phase(Connection connection, String id, String phase) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE public.backup_runs SET phase = ? WHERE id = ? AND status = 'running'")) {
            statement.setString(1, phase);
            statement.setString(2, id);
            statement.executeUpdate();
        }
    }

    static void finish(Connection connection, String id, boolean succeeded, Long bytes, Long rows, String error)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE public.backup_runs SET status = ?, finished_at = now(), bytes = ?, row_count = ?, error = ?, "
                        + "phase = CASE WHEN ? THEN 'done' ELSE phase END WHERE id = ?")) {
            statement.setString(1, succeeded ? "succeeded" : "failed");
            statement.setObject(2, bytes);
            statement.setObject(3, rows);
            statement.setString(4, error);
            statement.setBoolean(5, succeeded);
            statement.setString(6, id);
            statement.executeUpdate();
        }
    }

    /**
     * Marks runs whose holder is gone as failed: running rows whose lease has expired. A drill recorded by a version
     * that gave drills no lease counts as gone once older than {@code staleAfter}. The update is one statement, so when
     * replicas ask at the same time each run is returned to exactly one of them; the expired leases of drills that
     * ended are deleted after it.
     *
     * @return the runs marked, as they are now
     */
    static List<BackupRun> failInterrupted(Connection connection, Duration staleAfter) throws SQLException {
        List<BackupRun> runs = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE public.backup_runs r SET status = 'failed', finished_at = now(), "
                        + "error = 'interrupted: the replica or command running it stopped before it finished' "
                        + "WHERE r.status = 'running' AND NOT EXISTS (SELECT 1 FROM public.backup_lease l "
                        + "WHERE l.run_id = r.id AND l.expires_at >= now()) AND (r.kind = 'backup' "
                        + "OR EXISTS (SELECT 1 FROM public.backup_lease l WHERE l.run_id = r.id) "
                        + "OR r.started_at < now() - ? * interval '1 millisecond') "
                        + "RETURNING " + COLUMNS)) {
            statement.setLong(1, staleAfter.toMillis());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    runs.add(from(rs));
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM public.backup_lease l WHERE l.name LIKE ? AND l.expires_at < now() "
                        + "AND NOT EXISTS (SELECT 1 FROM public.backup_runs r WHERE r.id = l.run_id "
                        + "AND r.status = 'running')")) {
            statement.setString(1, DRILL_LEASE_PREFIX + "%");
            statement.executeUpdate();
        }
        return runs;
    }

    static Optional<BackupRun> find(Connection connection, String id) throws SQLException {
        List<BackupRun> runs = query(connection, "WHERE id = ?", id);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    /** Runs of a kind, newest first. */
    static List<BackupRun> recent(Connection connection, String kind, int limit) throws SQLException {
        return query(connection, "WHERE kind = ? ORDER BY started_at DESC LIMIT " + Math.max(1, limit), kind);
    }

    /** The newest run of a kind with a status, if any. */
    static Optional<BackupRun> latest(Connection connection, String kind, String status) throws SQLException {
        List<BackupRun> runs = query(connection, "WHERE kind = ? AND status = ? ORDER BY started_at DESC LIMIT 1",
                kind, status);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    /** The run of a kind that finished last, whatever its outcome, if any. */
    static Optional<BackupRun> latestFinished(Connection connection, String kind) throws SQLException {
        List<BackupRun> runs = query(connection, "WHERE kind = ? AND status <> 'running' ORDER BY finished_at DESC "
                + "LIMIT 1", kind);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    /** Ids of the newest backups recorded as succeeded, newest first. */
    static List<String> succeededBackupIds(Connection connection, int limit) throws SQLException {
        List<String> ids = new ArrayList<>();
        for (BackupRun run : query(connection, "WHERE kind = 'backup' AND status = 'succeeded' AND backup_id IS NOT "
                + "NULL ORDER BY started_at DESC LIMIT ?", limit)) {
            ids.add(run.backupId());
        }
        return ids;
    }

    /** The newest drill of one backup. */
    static Optional<BackupRun> latestVerify(Connection connection, String backupId) throws SQLException {
        List<BackupRun> runs = query(connection, "WHERE kind = 'verify' AND backup_id = ? ORDER BY started_at DESC "
                + "LIMIT 1", backupId);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    /**
     * Backup runs with one of {@code statuses} whose id sorts before {@code before} (every id when null), newest
     * first: ids sort by start time.
     */
    static List<BackupRun> backupsBefore(Connection connection, List<String> statuses, String before, int limit)
            throws SQLException {
        java.sql.Array wanted = connection.createArrayOf("text", statuses.toArray());
        return before == null
                ? query(connection, "WHERE kind = 'backup' AND status = ANY (?) ORDER BY id DESC LIMIT ?", wanted,
                        limit)
                : query(connection, "WHERE kind = 'backup' AND status = ANY (?) AND id < ? ORDER BY id DESC LIMIT ?",
                        wanted, before, limit);
    }

    private static List<BackupRun> query(Connection connection, String where, Object... parameters)
            throws SQLException {
        List<BackupRun> runs = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM public.backup_runs " + where)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    runs.add(from(rs));
                }
            }
        }
        return runs;
    }

    private static BackupRun from(ResultSet rs) throws SQLException {
        return new BackupRun(rs.getString("id"), rs.getString("kind"), rs.getString("backup_id"),
                rs.getString("trigger"), instant(rs, "slot"), rs.getString("status"), rs.getString("phase"),
                rs.getString("target"), rs.getString("holder"), instant(rs, "started_at"),
                instant(rs, "finished_at"), (Long) rs.getObject("bytes"), (Long) rs.getObject("row_count"),
                rs.getString("error"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
