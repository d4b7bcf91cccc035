package dev.cpdb.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.cpdb.backup.engine.TableStats;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.DirectConnections;

/**
 * Restore drills: restores a backup into a scratch database on the same server (direct path), compares every
 * table's row count with the manifest, and drops the scratch database whatever happened.
 *
 * <p>
 * Needs the {@code CREATEDB} privilege. Blocking by design.
 */
@ApplicationScoped
public class VerifyService {

    private static final Logger LOG = Logger.getLogger(VerifyService.class);

    private final Database database;
    private final BackupService backups;

    public VerifyService(Database database, BackupService backups) {
        this.database = database;
        this.backups = backups;
    }

    /** Runs the drill; failures of the drill itself are part of the result, not exceptions. */
    public VerifyResult verify(BackupService.Located backup) {
        // A random suffix keeps drills of the same backup (from several replicas) out of each other's way: each
        // one creates, and so may drop, only its own scratch database.
        String scratch = ("cpdb_verify_" + backup.id() + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try {
            execute("CREATE DATABASE \"" + scratch + "\"");
        } catch (SQLException e) {
            return failed(backup, "cannot create the scratch database " + scratch + " (the database user needs "
                    + "CREATEDB): " + e.getMessage());
        }
        try {
            DatabaseUrl direct = database.plan().direct();
            DirectConnections target = new DirectConnections(direct.with(scratch, direct.user(), direct.password()),
                    "cpdb-verify", Duration.ofSeconds(10));
            RestoreOutcome outcome = backups.restore(backup, target, false);
            List<String> mismatches = compareCounts(target, backup.manifest().tables());
            LOG.infof("restore drill of backup %s: %s", backup.id(), mismatches.isEmpty() ? "passed"
                    : "row counts differ: " + mismatches);
            return new VerifyResult(backup.id(), mismatches.isEmpty(), outcome.tables(), outcome.rows(), mismatches,
                    mismatches.isEmpty() ? null : "row counts differ from the manifest");
        } catch (BackupFailedException | SQLException e) {
            return failed(backup, e.getMessage());
        } finally {
            try {
                execute("DROP DATABASE IF EXISTS \"" + scratch + "\" WITH (FORCE)");
            } catch (SQLException e) {
                LOG.warnf("could not drop the scratch database %s: %s", scratch, e.getMessage());
            }
        }
    }

    private static VerifyResult failed(BackupService.Located backup, String error) {
        LOG.warnf("restore drill of backup %s failed: %s", backup.id(), error);
        return new VerifyResult(backup.id(), false, 0, 0, List.of(), error);
    }

    private static List<String> compareCounts(DirectConnections target, List<TableStats> expected)
            throws SQLException {
        List<String> mismatches = new ArrayList<>();
        try (Connection connection = target.open(); Statement statement = connection.createStatement()) {
            for (TableStats table : expected) {
                String name = "\"" + table.schema().replace("\"", "\"\"") + "\".\"" + table.name().replace("\"", "\"\"")
                        + "\"";
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM ONLY " + name)) {
                    rs.next();
                    long restored = rs.getLong(1);
                    if (restored != table.rows()) {
                        mismatches.add(table.schema() + "." + table.name() + ": expected " + table.rows()
                                + ", restored " + restored);
                    }
                }
            }
        }
        return mismatches;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.direct().open(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
