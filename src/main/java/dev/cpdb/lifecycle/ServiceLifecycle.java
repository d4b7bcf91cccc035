package dev.cpdb.lifecycle;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.cpdb.CpdbConfig;
import dev.cpdb.auth.AdminToken;
import dev.cpdb.backup.BackupScheduler;
import dev.cpdb.backup.BackupTargetGuard;
import dev.cpdb.cli.CommandLine;
import dev.cpdb.database.Database;
import dev.cpdb.database.replica.ReadPath;
import dev.cpdb.migration.MigrationService;
import dev.cpdb.plugin.PluginService;
import dev.cpdb.secret.MasterKey;
import dev.cpdb.secret.MasterKeyRecord;
import io.quarkus.runtime.StartupEvent;

/**
 * Start-up order of the service: database paths first, then the operator token, the core migration policy, and
 * plugin namespace migrations (server mode only; one-off commands decide for themselves whether they migrate). A
 * failing plugin never fails start-up, nor do core migrations blocked by other sessions' locks.
 */
@ApplicationScoped
public class ServiceLifecycle {

    private final Database database;
    private final MigrationService migrations;
    private final dev.cpdb.settings.InstanceSettings settings;
    private final CpdbConfig config;
    private final AdminToken adminToken;
    private final CommandLine commandLine;
    private final BackupScheduler backupScheduler;
    private final PluginService plugins;
    private final MasterKey masterKey;
    private final MasterKeyRecord masterKeyRecord;
    private final BackupTargetGuard backupTarget;
    private volatile boolean started;
    private volatile boolean stopping;
    private final ReadPath readPath;

    public ServiceLifecycle(Database database, MigrationService migrations, CpdbConfig config,
            AdminToken adminToken, CommandLine commandLine, BackupScheduler backupScheduler, PluginService plugins,
            MasterKey masterKey, MasterKeyRecord masterKeyRecord, BackupTargetGuard backupTarget,
            dev.cpdb.settings.InstanceSettings settings, ReadPath readPath) {
        this.settings = settings;
        this.readPath = readPath;
        this.database = database;
        this.migrations = migrations;
        this.config = config;
        this.adminToken = adminToken;
        this.commandLine = commandLine;
        this.backupScheduler = backupScheduler;
        this.plugins = plugins;
        this.masterKey = masterKey;
        this.masterKeyRecord = masterKeyRecord;
        this.backupTarget = backupTarget;
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
                if (!database.embedded()) {
                    masterKey.refuseInstanceFile();
                }
            }
        } else {
            backupScheduler.validate();
            database.start(false);
            readPath.start();
            // State that must outlive a pod is refused before anything changes in the database.
            masterKeyRecord.requireConfiguredKey();
            backupTarget.requireExplicitTarget();
            adminToken.initialize(database.embedded());
            // Plugins and scheduled backups follow the core schema; when its migrations are blocked they follow
            // once they are applied (the process stays up, not ready, meanwhile).
            migrations.applyAtStartup(config.migration().autoApply(), () -> {
                masterKeyRecord.recordOrCompare();
                settings.start();
                plugins.migrateAtStartup();
                backupScheduler.start();
                backupTarget.warnAtStartup();
            });
        }
        started = true;
    }

    /** Whether start-up work has completed. */
    public boolean started() {
        return started;
    }

    /** Whether shutdown has begun; readiness reports down from then on. */
    public boolean stopping() {
        return stopping;
    }

    // Runs before other shutdown observers (lower priority values run first), so the pod leaves the load balancer
    // while backups are being cancelled.
    void onStop(@Observes @jakarta.annotation.Priority(1) io.quarkus.runtime.ShutdownEvent event) {
        stopping = true;
    }
}
