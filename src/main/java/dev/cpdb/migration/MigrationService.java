package dev.cpdb.migration;

import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import dev.cpdb.database.Database;

/**
 * Applies and inspects the core schema migrations ({@code src/main/resources/db/migration}) with Flyway over the
 * direct path only, never through a pooler.
 *
 * <p>
 * Blocking by design (JDBC): call from start-up code, commands or worker threads. Concurrent callers in several
 * processes are serialized by Flyway's own lock, so each migration is applied exactly once.
 */
@ApplicationScoped
public class MigrationService {

    /** Classpath folder of the core migrations. */
    public static final String LOCATION = "classpath:db/migration";

    private static final Logger LOG = Logger.getLogger(MigrationService.class);

    private final Database database;
    private volatile boolean verifiedUpToDate;

    public MigrationService(Database database) {
        this.database = database;
    }

    /** Applies pending migrations and returns the resulting state. */
    public MigrationState migrate() {
        MigrateResult result = flyway().migrate();
        if (result.migrationsExecuted > 0) {
            LOG.infof("applied %d core migration(s); schema now at version %s", result.migrationsExecuted,
                    result.targetSchemaVersion);
        }
        MigrationState state = state();
        verifiedUpToDate = state.upToDate();
        return state;
    }

    /**
     * Start-up policy: apply pending migrations when {@code autoApply}, otherwise refuse to start while any are
     * pending.
     *
     * @throws MigrationsPendingException when migrations are pending and {@code autoApply} is false
     */
    public MigrationState applyOrRequireCurrent(boolean autoApply) {
        if (autoApply) {
            return migrate();
        }
        MigrationState state = state();
        if (!state.upToDate()) {
            throw new MigrationsPendingException(state);
        }
        verifiedUpToDate = true;
        return state;
    }

    /** Reads the schema history; blocking. */
    public MigrationState state() {
        MigrationInfoService info = flyway().info();
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

    private Flyway flyway() {
        return Flyway.configure(Thread.currentThread().getContextClassLoader())
                .dataSource(database.direct().dataSource())
                .locations(LOCATION)
                .cleanDisabled(true)
                .validateMigrationNaming(true)
                .load();
    }
}
