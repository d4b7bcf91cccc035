package dev.cpdb.migration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import dev.cpdb.database.Database;

/**
 * Applies and inspects the core schema migrations ({@code src/main/resources/db/migration}) with Flyway over the
 * direct path only, never through a pooler, with bounded lock waits ({@link CoreMigrator}), and holds the start-up
 * policy: when other sessions keep the migrations from their locks for the whole {@code CPDB_MIGRATION_MAX_WAIT}, the
 * service stays up but not ready, names the blockers on readiness, and tries again in the background.
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
        CoreMigrator migrator = migrator();
        MigrationState before = migrator.state();
        if (!before.upToDate()) {
            MigrateResult result = migrator.migrate();
            if (result.migrationsExecuted > 0) {
                LOG.infof("applied %d core migration(s); schema now at version %s", result.migrationsExecuted,
                        result.targetSchemaVersion);
            }
        }
        MigrationState state = migrator.state();
        verifiedUpToDate = state.upToDate();
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
        policy();
        if (!autoApply) {
            MigrationState state = state();
            if (!state.upToDate()) {
                throw new MigrationsPendingException(state);
            }
            verifiedUpToDate = true;
            whenCurrent.run();
            return;
        }
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
        Duration pause = policy().lockTimeout();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(pause.toMillis());
                migrate();
                LOG.info("core migrations applied after all; this instance becomes ready");
                whenCurrent.run();
                return;
            } catch (MigrationBlockedException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                blocked(e);
                pause = policy().lockTimeout();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database may be briefly unreachable; a failing migration fails again, slowly.
                problem = "core migrations failed: " + e.getMessage();
                LOG.errorf("%s; this instance stays not ready and tries again in %s", problem,
                        Durations.text(policy().maxWait()));
                pause = policy().maxWait();
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
        return migrator().state();
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

    private CoreMigrator migrator() {
        List<String> locations = new ArrayList<>(List.of(LOCATION));
        config.extraLocations().ifPresent(locations::addAll);
        return new CoreMigrator(database.direct(), policy(), locations);
    }
}
