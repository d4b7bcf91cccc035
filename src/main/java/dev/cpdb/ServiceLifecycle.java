package dev.cpdb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.cpdb.auth.AdminToken;
import dev.cpdb.cli.LaunchCommand;
import dev.cpdb.database.Database;
import dev.cpdb.migration.MigrationService;
import io.quarkus.runtime.StartupEvent;

/**
 * Start-up order of the service: database paths first, then the core migration policy (server mode only; one-off
 * commands decide for themselves whether they migrate).
 */
@ApplicationScoped
public class ServiceLifecycle {

    private final Database database;
    private final MigrationService migrations;
    private final CpdbConfig config;
    private final AdminToken adminToken;
    private volatile boolean started;

    public ServiceLifecycle(Database database, MigrationService migrations, CpdbConfig config,
            AdminToken adminToken) {
        this.database = database;
        this.migrations = migrations;
        this.config = config;
        this.adminToken = adminToken;
    }

    void onStart(@Observes StartupEvent event) {
        boolean server = LaunchCommand.current() == LaunchCommand.SERVER;
        database.start(!server);
        if (server) {
            migrations.applyOrRequireCurrent(config.migration().autoApply());
            adminToken.initialize(database.embedded());
        }
        started = true;
    }

    /** Whether start-up work has completed. */
    public boolean started() {
        return started;
    }
}
