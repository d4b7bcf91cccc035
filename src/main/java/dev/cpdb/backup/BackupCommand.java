package dev.cpdb.backup;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandArguments;

/**
 * {@code backup [--target DIR|s3://BUCKET/PREFIX] [--compression zstd|gzip|none] [--json]}: takes one backup over the direct path.
 */
@ApplicationScoped
public class BackupCommand implements CliCommand {

    private final BackupService backups;

    public BackupCommand(BackupService backups) {
        this.backups = backups;
    }

    @Override
    public String name() {
        return "backup";
    }

    @Override
    public String usage() {
        return "[--target DIR|s3://BUCKET/PREFIX] [--compression zstd|gzip|none] [--json]  take a backup, then exit";
    }

    @Override
    public int run(List<String> args) {
        CommandArguments options = CommandArguments.parse(args, Set.of("target", "compression"), Set.of("json"));
        options.positional(0, "no arguments");
        BackupStore store = options.value("target").map(backups::store).orElseGet(backups::defaultStore);
        Compression compression = options.value("compression").map(backups::compression)
                .orElseGet(backups::defaultCompression);
        BackupManifest manifest = backups.backup(store, compression);
        if (options.flag("json")) {
            System.out.println(backups.toJson(manifest));
        } else {
            double seconds = java.time.Duration.between(manifest.startedAt(), manifest.finishedAt()).toMillis()
                    / 1000.0;
            System.out.printf("backup %s written to %s: %d bytes (%s), %d tables, %d rows in %.1f s%n",
                    manifest.backupId(), store.location(), manifest.data().bytes(), manifest.compression(),
                    manifest.tables().size(), manifest.totalRows(), seconds);
        }
        return 0;
    }
}
