package dev.cpdb.migration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import dev.cpdb.database.Database;

/**
 * Applies and inspects the core schema migrations ({@code src/main/resources/db/migration}) with Flyway over the
 * direct path only, never through a pooler, with bounded lock waits.
 *
 * <p>
 * A run first takes the {@link SchemaChangeGate} (waiting while a backup runs), then lets Flyway migrate on
 * connections that carry the configured {@code lock_timeout} and a per-run {@code application_name}, watched by a
 * {@link LockWaitWatch}. Flyway applies each migration in its own transaction, so a statement cancelled by the lock
 * timeout rolls back only that migration; the run tries again with back-off until {@code CPDB_MIGRATION_MAX_WAIT} is
 * used up and then gives up with a {@link MigrationBlockedException} naming the blockers. The service then stays
 * up but not ready, and tries again in the background.
 *
 * <p>
 * Blocking by design (JDBC): call from start-up code, commands or worker threads. Concurrent callers in several
 * processes are serialized by Flyway's own lock, so each migration is applied exactly once.
 */
@ApplicationScoped
public class MigrationService {

    /** Classpath folder of the core migrations. */
    public static final String LOCATION = "classpath:db/migration";

    /** What the messages call a core migration run. */
    static final String WHAT = "core migrations";

    private static final Logger LOG = Logger.getLogger(MigrationService.class);

    private final Database database;
    private final MigrationConfig config;
    private volatile boolean verifiedUpToDate;
    private volatile String problem;
    private volatile Thread retries;

    public MigrationService(Database database, MigrationConfig config) {
        this.database = database;
        this.config = config;
    }

    /** The lock-wait settings, checked. */
    public LockWaitPolicy policy() {
        return LockWaitPolicy.of(config);
    }

    /**
     * Applies pending migrations and returns the resulting state.
     *
     * @throws MigrationBlockedException when locks or a running backup kept them from applying within the total wait
     */
    public MigrationState migrate() {
        LockWaitPolicy policy = policy();
        if (state().upToDate()) {
            verifiedUpToDate = true;
            return state();
        }
        LockWaitPolicy.Deadline deadline = policy.start();
        String applicationName = "cpdb-migrate-" + UUID.randomUUID().toString().substring(0, 8);
        MigrateResult result;
        try (SchemaChangeGate.Hold gate = SchemaChangeGate.awaitForMigration(database.direct(), policy, deadline,
                WHAT)) {
            Flyway flyway = flyway(policy, applicationName);
            result = LockWaits.retry(policy, deadline, WHAT + " (next: " + nextPending() + ")",
                    () -> LockWaitWatch.ofApplication(database.direct(), applicationName, WHAT,
                            policy.lockTimeout()),
                    flyway::migrate);
        } catch (java.sql.SQLException e) {
            throw new FlywayException("cannot reach the database on the direct path: " + e.getMessage(), e);
        }
        if (result.migrationsExecuted > 0) {
            LOG.infof("applied %d core migration(s); schema now at version %s", result.migrationsExecuted,
                    result.targetSchemaVersion);
        }
        MigrationState state = state();
        verifiedUpToDate = state.upToDate();
        if (verifiedUpToDate) {
            problem = null;
        }
        return state;
    }

    /**
     * Start-up policy: apply pending migrations when {@code autoApply}, otherwise refuse to start while any are
     * pending. Runs {@code whenCurrent} once the schema is current: right away, or, when the migrations were blocked
     * for the whole total wait, from a background thread that keeps trying; until then readiness reports the
     * blockers ({@link #problem()}).
     *
     * @throws MigrationsPendingException when migrations are pending and {@code autoApply} is false
     */
    public void applyAtStartup(boolean autoApply, Runnable whenCurrent) {
        if (!autoApply) {
            MigrationState state = state();
            if (!state.upToDate()) {
                throw new MigrationsPendingException(state);
            }
            verifiedUpToDate = true;
            whenCurrent.run();
            return;
        }
        policy();
        try {
            migrate();
        } catch (MigrationBlockedException e) {
            blocked(e);
            Thread thread = new Thread(() -> retryUntilApplied(whenCurrent), "cpdb-migration-retry");
            thread.setDaemon(true);
            retries = thread;
            thread.start();
            return;
        }
        whenCurrent.run();
    }

    private void retryUntilApplied(Runnable whenCurrent) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(policy().lockTimeout().toMillis());
                migrate();
                LOG.info("core migrations applied after all; this instance becomes ready");
                whenCurrent.run();
                return;
            } catch (MigrationBlockedException e) {
                blocked(e);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                problem = "core migrations failed: " + e.getMessage();
                LOG.errorf("%s; this instance stays not ready until it is restarted", problem);
                return;
            }
        }
    }

    private void blocked(MigrationBlockedException e) {
        problem = e.getMessage();
        LOG.errorf("%s. This instance stays not ready (readiness DOWN) while the running instances keep serving; it "
                + "tries again in the background", e.getMessage());
    }

    /** Reads the schema history; blocking. */
    public MigrationState state() {
        MigrationInfoService info = flyway(null, null).info();
        MigrationInfo current = info.current();
        return new MigrationState(current == null || current.getVersion() == null ? null
                : current.getVersion().getVersion(),
                info.applied().length,
                Arrays.stream(info.pending()).map(MigrationInfo::getVersion).map(String::valueOf).toList());
    }

    /** Whether this process has seen the schema up to date (applied or checked at start-up). */
    public boolean verifiedUpToDate() {
        return verifiedUpToDate;
    }

    /** Why the core schema is not current yet, while start-up migrations are blocked; null otherwise. */
    public String problem() {
        return verifiedUpToDate ? null : problem;
    }

    @PreDestroy
    void stopRetries() {
        Thread thread = retries;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private String nextPending() {
        List<String> pending = state().pending();
        return pending.isEmpty() ? "none" : "V" + pending.get(0);
    }

    /**
     * Flyway on the direct path. With a policy, every connection Flyway opens gets the {@code lock_timeout} and the
     * run's {@code application_name} (by which the watch finds its sessions) through Flyway's init SQL.
     */
    private Flyway flyway(LockWaitPolicy policy, String applicationName) {
        List<String> locations = new ArrayList<>(List.of(LOCATION));
        config.extraLocations().ifPresent(locations::addAll);
        var configuration = Flyway.configure(Thread.currentThread().getContextClassLoader())
                .dataSource(database.direct().dataSource())
                .locations(locations.toArray(String[]::new))
                .cleanDisabled(true)
                .validateMigrationNaming(true);
        if (policy != null) {
            configuration.initSql("SET lock_timeout = " + policy.lockTimeoutMillis() + "; SET application_name = '"
                    + applicationName + "'");
        }
        return configuration.load();
    }

}
