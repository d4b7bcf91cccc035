package dev.cpdb.backup;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import dev.cpdb.backup.engine.TableStats;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.DirectConnections;

/**
 * Restore drills: restores a backup into a scratch database on the same server (direct path) as a throw-away role
 * without any server privilege, compares every table's row count with the manifest, and drops the scratch database
 * and the role whatever happened.
 *
 * <p>
 * The drill role has no superuser, no {@code pg_execute_server_program}, {@code pg_read_server_files} or
 * {@code pg_write_server_files}, and owns only the scratch database: a script whose functions do harm while it is
 * restored (an expression index calling {@code COPY ... TO PROGRAM}, say) fails there instead of reaching the
 * server's files, programs or other databases. The database user of the direct path needs {@code CREATEDB} and
 * {@code CREATEROLE} (a superuser has both), and the server must let the new role log in with its password from
 * where the service connects. Owners and privileges in a backup are checked but not applied in a drill: they name
 * roles the drill role may not act for. Blocking by design.
 */
@ApplicationScoped
public class VerifyService {

    private static final Logger LOG = Logger.getLogger(VerifyService.class);

    private final Database database;
    private final RestoreService restores;

    public VerifyService(Database database, RestoreService restores) {
        this.database = database;
        this.restores = restores;
    }

    /** Runs the drill; failures of the drill itself are part of the result, not exceptions. */
    public VerifyResult verify(RestoreService.Located backup) {
        return verify(backup, false);
    }

    /**
     * Runs the drill, accepting a backup without (known) signature when {@code allowUnsigned}.
     *
     * @see #verify(RestoreService.Located)
     */
    public VerifyResult verify(RestoreService.Located backup, boolean allowUnsigned) {
        // A random suffix keeps drills of the same backup (from several replicas) out of each other's way: each
        // one creates, and so may drop, only its own scratch database and role.
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String scratch = ("cpdb_verify_" + backup.id() + "_" + suffix).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        String role = "cpdb_drill_" + suffix;
        String password = randomPassword();
        try (Connection connection = database.direct().open(); Statement statement = connection.createStatement()) {
            // INHERIT: the role is a member of no role, except in its scratch database of pg_database_owner, which
            // owns the public schema since PostgreSQL 15; a NOINHERIT role would not get that schema's privileges
            // there (before PostgreSQL 16) and could restore nothing into it.
            statement.execute("CREATE ROLE \"" + role + "\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                    + "NOBYPASSRLS INHERIT CONNECTION LIMIT 3");
            // Hashed by the driver (the server's password_encryption), so no server log shows the password.
            connection.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), null);
        } catch (SQLException e) {
            dropRole(role);
            return failed(backup, "cannot create the drill role " + role + " (the database user needs CREATEROLE): "
                    + e.getMessage());
        }
        try {
            try {
                // Since PostgreSQL 16 a user that is not a superuser may give a database only to a role it can SET
                // ROLE to; membership in the drill role grants nothing beyond what the drill role has.
                execute("GRANT \"" + role + "\" TO CURRENT_USER");
                execute("CREATE DATABASE \"" + scratch + "\" OWNER \"" + role + "\"");
            } catch (SQLException e) {
                return failed(backup, "cannot create the scratch database " + scratch + " (the database user needs "
                        + "CREATEDB): " + e.getMessage());
            }
            try {
                DatabaseUrl direct = database.plan().direct();
                DirectConnections target = new DirectConnections(direct.with(scratch, role, password), "cpdb-verify",
                        Duration.ofSeconds(10));
                RestoreOutcome outcome = restores.drill(backup, target, allowUnsigned);
                List<String> mismatches = compareCounts(target, backup.manifest().tables());
                LOG.infof("restore drill of backup %s: %s", backup.id(), mismatches.isEmpty() ? "passed"
                        : "row counts differ: " + mismatches);
                return new VerifyResult(backup.id(), mismatches.isEmpty(), outcome.tables(), outcome.rows(),
                        mismatches, mismatches.isEmpty() ? null : "row counts differ from the manifest");
            } catch (BackupFailedException | SQLException e) {
                return failed(backup, e.getMessage());
            } finally {
                try {
                    execute("DROP DATABASE IF EXISTS \"" + scratch + "\" WITH (FORCE)");
                } catch (SQLException e) {
                    LOG.warnf("could not drop the scratch database %s: %s", scratch, e.getMessage());
                }
            }
        } finally {
            dropRole(role);
        }
    }

    private void dropRole(String role) {
        try {
            execute("DROP ROLE IF EXISTS \"" + role + "\"");
        } catch (SQLException e) {
            LOG.warnf("could not drop the drill role %s: %s", role, e.getMessage());
        }
    }

    private static String randomPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static VerifyResult failed(RestoreService.Located backup, String error) {
        LOG.warnf("restore drill of backup %s failed: %s", backup.id(), error);
        return new VerifyResult(backup.id(), false, 0, 0, List.of(), error);
    }

    /** Counts as the drill role: what the backup defined runs without the service's privileges here too. */
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
