package dev.cpdb.backup;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.SchemaSelection;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandArguments;
import dev.cpdb.cli.CommandFailedException;
import dev.cpdb.cli.UsageException;
import dev.cpdb.database.Database;
import dev.cpdb.migration.SchemaChangeGate;

/**
 * {@code backup [--target DIR|s3://BUCKET/PREFIX] [--compression zstd|gzip|none] [--jobs N]
 * [--owners-and-privileges] [--schema PATTERN]... [--exclude-schema PATTERN]... [--json]}: takes one backup over the
 * direct path. {@code --schema} patterns replace {@code CPDB_BACKUP_SCHEMAS}; {@code --exclude-schema} patterns are
 * added to {@code CPDB_BACKUP_EXCLUDE_SCHEMAS}, so a hosted platform's exclusions hold for a one-off backup too. Like a backup of the service it holds
 * the schema-change gate for its whole run, so no migration takes table locks meanwhile and it does not start while
 * one runs.
 */
@ApplicationScoped
public class BackupCommand implements CliCommand {

    private final BackupService backups;
    private final Database database;

    public BackupCommand(BackupService backups, Database database) {
        this.backups = backups;
        this.database = database;
    }

    @Override
    public String name() {
        return "backup";
    }

    @Override
    public String usage() {
        return "[--target DIR|s3://BUCKET/PREFIX] [--compression zstd|gzip|none] [--jobs N] [--owners-and-privileges] "
                + "[--schema PATTERN]... [--exclude-schema PATTERN]... [--json]  take a backup, then exit";
    }

    @Override
    public int run(List<String> args) {
        CommandArguments options = CommandArguments.parse(args, Set.of("target", "compression", "jobs"),
                Set.of("owners-and-privileges", "json"), Set.of("schema", "exclude-schema"));
        options.positional(0, "no arguments");
        SchemaSelection selection = selection(options);
        backups.validateEncryptionSettings();
        BackupStore store = options.value("target").map(backups::store).orElseGet(backups::defaultStore);
        Compression compression = options.value("compression").map(backups::compression)
                .orElseGet(backups::defaultCompression);
        int jobs = options.value("jobs").map(BackupCommand::jobs).orElseGet(backups::defaultJobs);
        // The flag turns owners and privileges on; without it the setting decides.
        boolean ownersAndPrivileges = options.flag("owners-and-privileges") || backups.defaultOwnersAndPrivileges();
        BackupManifest manifest;
        try (SchemaChangeGate.Hold gate = gate()) {
            manifest = backups.backup(store, compression, jobs, ownersAndPrivileges, selection);
        }
        if (options.flag("json")) {
            System.out.println(backups.toJson(manifest));
        } else {
            double seconds = java.time.Duration.between(manifest.startedAt(), manifest.finishedAt()).toMillis()
                    / 1000.0;
            System.out.printf("backup %s written to %s: %d bytes (%s), %d tables, %d rows in %.1f s%s%n",
                    manifest.backupId(), store.location(), manifest.data().bytes(), manifest.compression(),
                    manifest.tables().size(), manifest.totalRows(), seconds,
                    manifest.ownersAndPrivileges() ? ", with owners and privileges" : "");
            System.out.println("schemas: " + String.join(", ", manifest.schemas()));
            if (manifest.selection() != null) {
                for (BackupManifest.LeftOut left : manifest.selection().leftOut()) {
                    System.out.println("left out: " + left.schema() + " (" + left.reason() + ")");
                }
            }
        }
        return 0;
    }

    /** Takes the schema-change gate, or fails naming the migration (or backup) that holds it. */
    private SchemaChangeGate.Hold gate() {
        try {
            return SchemaChangeGate.tryForBackup(database.direct(), BackupJobs.GATE_WAIT)
                    .orElseThrow(() -> new CommandFailedException(SchemaChangeGate.holders(database.direct())
                            + " holds the schema-change gate of this database; take the backup once it has finished",
                            null));
        } catch (SQLException e) {
            throw new CommandFailedException("cannot start a backup: " + e.getMessage(), e);
        }
    }

    /**
     * The selection of {@code --schema} (instead of the include setting) and {@code --exclude-schema} (with the
     * exclude setting). A pattern that is not well formed is a usage error (exit status 2), found before anything
     * starts; a bad setting fails the command naming it.
     */
    private SchemaSelection selection(CommandArguments options) {
        SchemaSelection settings = backups.defaultSelection();
        List<String> include = options.values("schema");
        List<String> exclude = new java.util.ArrayList<>(settings.excludePatterns());
        exclude.addAll(options.values("exclude-schema"));
        try {
            SchemaSelection.of(options.values("schema"), options.values("exclude-schema"));
            return SchemaSelection.of(include.isEmpty() ? settings.includePatterns() : include, exclude);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Parses {@code --jobs}; a wrong value is a usage error (exit status 2). */
    private static int jobs(String value) {
        try {
            int jobs = Integer.parseInt(value.strip());
            if (jobs >= 1 && jobs <= BackupEngine.MAX_JOBS) {
                return jobs;
            }
        } catch (NumberFormatException e) {
            // Reported below like an out-of-range number.
        }
        throw new UsageException("--jobs is '" + value + "'; use a number of copy connections from 1 to "
                + BackupEngine.MAX_JOBS);
    }
}
