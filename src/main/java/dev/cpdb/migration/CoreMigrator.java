package dev.cpdb.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import dev.cpdb.database.DirectConnections;

/**
 * One database's core migrations with Flyway on the direct path, under bounded lock waits.
 *
 * <p>
 * A run first takes the {@link SchemaChangeGate} (waiting while a backup runs), then lets Flyway migrate on
 * connections that carry the {@code lock_timeout} and a per-run {@code application_name} (Flyway's init SQL), watched
 * by a {@link LockWaitWatch}. Flyway applies each migration in its own transaction, so a statement cancelled by the
 * lock timeout rolls back only that migration, and the run tries it again with back-off. A migration Flyway runs
 * outside a transaction ({@code CREATE INDEX CONCURRENTLY}) is recorded as failed when it times out; that record is
 * removed before the next try, so that the retry is not refused as a failed migration. Flyway's lock is a session
 * advisory lock rather than its default transaction-level one: a {@code CREATE INDEX CONCURRENTLY} waits for every
 * open transaction, Flyway's own lock transaction included.
 *
 * <p>
 * Blocking by design (JDBC).
 */
final class CoreMigrator {

    private static final Logger LOG = Logger.getLogger(CoreMigrator.class);

    private final DirectConnections direct;
    private final LockWaitPolicy policy;
    private final List<String> locations;

    /**
     * @param locations Flyway locations, the core ones first
     */
    CoreMigrator(DirectConnections direct, LockWaitPolicy policy, List<String> locations) {
        this.direct = direct;
        this.policy = policy;
        this.locations = List.copyOf(locations);
    }

    /**
     * Applies the pending migrations.
     *
     * @throws MigrationBlockedException when a backup or other sessions' locks kept them from applying within the
     *         total wait
     */
    MigrateResult migrate() {
        LockWaitPolicy.Deadline deadline = policy.start();
        String applicationName = "cpdb-migrate-" + UUID.randomUUID().toString().substring(0, 8);
        Flyway flyway = flyway(applicationName);
        String what = MigrationService.WHAT + " (next: " + nextPending() + ")";
        try (SchemaChangeGate.Hold gate = SchemaChangeGate.awaitForMigration(direct, policy, deadline,
                MigrationService.WHAT)) {
            return LockWaits.retry(policy, deadline, what,
                    () -> LockWaitWatch.ofApplication(direct, applicationName, MigrationService.WHAT,
                            policy.lockTimeout()),
                    () -> attempt(flyway));
        } catch (SQLException e) {
            throw new FlywayException("cannot reach the database on the direct path: " + e.getMessage(), e);
        }
    }

    private MigrateResult attempt(Flyway flyway) {
        try {
            return flyway.migrate();
        } catch (FlywayException e) {
            if (LockWaits.isLockTimeout(e)) {
                forgetFailedAttempt();
            }
            throw e;
        }
    }

    /**
     * Removes the failure record a timed-out non-transactional migration leaves in the history. Flyway validates
     * before it migrates, so any failure record at this point is the one just written.
     */
    private void forgetFailedAttempt() {
        try (Connection connection = direct.open(); Statement statement = connection.createStatement()) {
            int removed = statement.executeUpdate("DELETE FROM public.flyway_schema_history WHERE NOT success");
            if (removed > 0) {
                LOG.infof("removed the failure record of a migration that ran outside a transaction and timed out "
                        + "waiting for a lock; it is tried again");
            }
        } catch (SQLException e) {
            LOG.warnf("cannot remove the failure record of a timed-out migration: %s", e.getMessage());
        }
    }

    /** Reads the schema history. */
    MigrationState state() {
        MigrationInfoService info = flyway(null).info();
        MigrationInfo current = info.current();
        return new MigrationState(current == null || current.getVersion() == null ? null
                : current.getVersion().getVersion(),
                info.applied().length,
                Arrays.stream(info.pending()).map(MigrationInfo::getVersion).map(String::valueOf).toList());
    }

    private String nextPending() {
        List<String> pending = state().pending();
        return pending.isEmpty() ? "none" : "V" + pending.get(0);
    }

    /**
     * Flyway on the direct path. With an application name (a migration run), every connection Flyway opens gets the
     * {@code lock_timeout} and that {@code application_name}, by which the watch finds its sessions.
     */
    private Flyway flyway(String applicationName) {
        var configuration = Flyway.configure(Thread.currentThread().getContextClassLoader())
                .dataSource(direct.dataSource())
                .locations(locations.toArray(String[]::new))
                .cleanDisabled(true)
                .validateMigrationNaming(true)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
        if (applicationName != null) {
            configuration.initSql("SET lock_timeout = " + policy.lockTimeoutMillis() + "; SET application_name = '"
                    + applicationName + "'");
        }
        return configuration.load();
    }
}
