package dev.cpdb;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.cpdb.auth.AdminToken;
import dev.cpdb.backup.BackupScheduler;
import dev.cpdb.cli.CommandLine;
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
    private final CommandLine commandLine;
    private final BackupScheduler backupScheduler;
    private volatile boolean started;

    public ServiceLifecycle(Database database, MigrationService migrations, CpdbConfig config,
            AdminToken adminToken, CommandLine commandLine, BackupScheduler backupScheduler) {
        this.database = database;
        this.migrations = migrations;
        this.config = config;
        this.adminToken = adminToken;
        this.commandLine = commandLine;
        this.backupScheduler = backupScheduler;
    }

    void onStart(@Observes StartupEvent event) {
        if (CommandLine.commandMode()) {
            // Unknown commands and help are answered without touching any database.
            List<String> arguments = CommandLine.arguments();
            boolean needsDatabase = commandLine.find(arguments)
                    .map(command -> command.needsDatabase(CommandLine.rest(command, arguments)))
                    .orElse(false);
            if (needsDatabase) {
                database.start(true);
            }
        } else {
            backupScheduler.validate();
            database.start(false);
            migrations.applyOrRequireCurrent(config.migration().autoApply());
            adminToken.initialize(database.embedded());
            backupScheduler.start();
        }
        started = true;
    }

    /** Whether start-up work has completed. */
    public boolean started() {
        return started;
    }
}
