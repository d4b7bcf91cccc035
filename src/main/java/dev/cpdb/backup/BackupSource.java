package dev.cpdb.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.cpdb.database.Database;
import dev.cpdb.database.DirectConnections;
import dev.cpdb.database.replica.DirectReplica;
import dev.cpdb.database.replica.ReadPath;
import dev.cpdb.database.replica.ReplicaState;
import dev.cpdb.database.replica.WalPosition;

/**
 * The server a backup reads its data from. With {@code CPDB_BACKUP_SOURCE=primary} (the default) that is the direct
 * path. With {@code replica} it is the first streaming replica of {@code DATABASE_READ_URL} that the read path's last
 * check found streaming (in recovery, at most the maximum staleness behind) and that has a direct address, over a
 * session of its own: a dump's snapshot, COPY and exported snapshot need one, which a transaction pooler cannot keep.
 * When no replica is healthy, or the connection to each fails before the snapshot is taken, the backup reads from
 * the primary and says why, in a log line and in its manifest.
 *
 * <p>
 * Only the dump's connections come from here: the lease, the run row and everything else a backup writes stay on the
 * primary. Blocking (JDBC): call from the backup's worker thread.
 */
@ApplicationScoped
public class BackupSource {

    private static final Logger LOG = Logger.getLogger(BackupSource.class);

    /**
     * Asked on the replica's connection before the dump's transaction starts: its snapshot is then taken at or past
     * this replay position, so the backup holds every transaction the primary had committed up to it.
     */
    static final String STANDBY = "SELECT pg_catalog.pg_is_in_recovery(), pg_catalog.pg_last_wal_replay_lsn()::text";

    private final Database database;
    private final ReadPath readPath;
    private final BackupOptions options;

    public BackupSource(Database database, ReadPath readPath, BackupOptions options) {
        this.database = database;
        this.readPath = readPath;
        this.options = options;
    }

    /** The primary's direct path only: for a pipeline built outside the container, which has no read path. */
    static BackupSource primaryOnly(Database database, BackupOptions options) {
        return new BackupSource(database, null, options);
    }

    /**
     * Where a backup's data came from, as its manifest records it.
     *
     * @param readFrom {@code primary} or {@code replica}
     * @param replica the replica read from; null on the primary
     * @param replayPosition the replica's replay position before the snapshot; null on the primary
     * @param fallback why a backup meant for a replica reads from the primary; null otherwise
     */
    record Origin(String readFrom, String replica, String replayPosition, String fallback) {

        /** {@code " on replica host:port/db"} for a backup read from a replica, else empty: for messages. */
        String where() {
            return replica == null ? "" : " on replica " + replica;
        }
    }

    /**
     * The server a backup reads from, with the dump's main connection open on it; {@code server} opens the helpers of
     * a parallel copy on the same server. Closing it closes the main connection.
     */
    record Reading(Connection connection, DirectConnections server, Origin origin) implements AutoCloseable {

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /**
     * Opens the dump's main connection on the server {@code CPDB_BACKUP_SOURCE} asks for, or on the primary when no
     * replica can serve; logs which.
     *
     * @throws SQLException when the primary's direct path cannot be opened
     */
    Reading open(String backupId) throws SQLException {
        if (readPath == null || !options.readFromReplica()) {
            return onPrimary(null);
        }
        awaitFirstCheck();
        List<String> passedOver = new ArrayList<>();
        List<DirectReplica> replicas = readPath.directReplicas();
        if (replicas.isEmpty()) {
            passedOver.add("DATABASE_READ_URL names no replica");
        }
        for (DirectReplica replica : replicas) {
            String unfit = unfit(replica);
            if (unfit != null) {
                passedOver.add(replica.name() + " " + unfit);
                continue;
            }
            try {
                Reading reading = onReplica(replica, passedOver);
                if (reading != null) {
                    LOG.infof("backup %s reads from replica %s, replayed to %s", backupId, replica.name(),
                            reading.origin().replayPosition());
                    return reading;
                }
            } catch (SQLException e) {
                passedOver.add(replica.name() + " cannot be reached over " + replica.directUrl().redacted() + " ("
                        + firstLine(e) + ")");
            }
        }
        String fallback = "no replica can serve it: " + String.join("; ", passedOver);
        LOG.warnf("backup %s reads from the primary: %s", backupId, fallback);
        return onPrimary(fallback);
    }

    private void awaitFirstCheck() {
        try {
            readPath.startAndAwaitFirstCheck(ReadPath.FIRST_CHECK);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupFailedException("the backup was interrupted while the replicas were checked", e);
        }
    }

    /** Why {@code replica} cannot serve a backup now, or null when it can. */
    static String unfit(DirectReplica replica) {
        if (replica.state() != ReplicaState.STREAMING) {
            return "is " + replica.state().wire() + (replica.problem() == null ? "" : " (" + replica.problem() + ")");
        }
        if (replica.directUrl() == null) {
            return "is behind a transaction pooler and DATABASE_READ_DIRECT_URL gives it no direct address";
        }
        return null;
    }

    /**
     * The dump's connection on {@code replica}; null, with the reason added to {@code passedOver}, when the server at
     * its direct address is not a standby (promoted) or is behind what its read address last reported.
     */
    private Reading onReplica(DirectReplica replica, List<String> passedOver) throws SQLException {
        DirectConnections server = database.directTo(replica.directUrl());
        Connection connection = server.open();
        String reason;
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(STANDBY)) {
            rs.next();
            reason = rs.getBoolean(1) ? behind(replica, WalPosition.parse(rs.getString(2))) : "is not in recovery";
            if (reason == null) {
                return new Reading(connection, server, new Origin("replica", replica.name(), rs.getString(2), null));
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        passedOver.add(replica.name() + " " + reason);
        return null;
    }

    /**
     * Why the server at {@code replica}'s direct address, replayed to {@code direct}, is not the one its health check
     * found fresh enough, or null. Replay only moves forward, so the same server is at or past the position its read
     * address reported; one behind it is another server (a list in another order, a delayed or stuck standby).
     */
    static String behind(DirectReplica replica, WalPosition direct) {
        if (replica.replayed() == null || direct.reached(replica.replayed())) {
            return null;
        }
        return "has replayed only to " + direct.text() + " at " + replica.directUrl().redacted() + ", behind the "
                + replica.replayed().text() + " its read address reported: DATABASE_READ_DIRECT_URL may name another "
                + "server than DATABASE_READ_URL at that place";
    }

    private Reading onPrimary(String fallback) throws SQLException {
        DirectConnections primary = database.direct();
        return new Reading(primary.open(), primary, new Origin("primary", null, null, fallback));
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
