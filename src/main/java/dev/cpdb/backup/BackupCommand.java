package dev.cpdb.backup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.SchemaSelection;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandArguments;
import dev.cpdb.cli.CommandFailedException;
import dev.cpdb.cli.UsageException;
import dev.cpdb.settings.InstanceSettings;

/**
 * {@code backup [--target DIR|s3://BUCKET/PREFIX] [--compression zstd|gzip|none] [--jobs N]
 * [--owners-and-privileges] [--schema PATTERN]... [--exclude-schema PATTERN]... [--no-wait] [--json]}: takes one
 * backup over the direct path through the backup runner, like a backup of the service: under the same lease, with a
 * run row visible through {@code GET /api/db/backups} while it runs, and with the same retention. It starts from the
 * live instance settings (compression, level, copy connections, owners and privileges); options replace what they
 * name. {@code --schema} patterns replace {@code CPDB_BACKUP_SCHEMAS}; {@code --exclude-schema} patterns are added to
 * {@code CPDB_BACKUP_EXCLUDE_SCHEMAS}, so a hosted platform's exclusions hold for a one-off backup too. While a backup
 * runs elsewhere (a replica, another command) it waits and says which; with {@code --no-wait} it fails naming it.
 * Arguments are checked before anything starts, the database included.
 */
@ApplicationScoped
public class BackupCommand implements CliCommand {

    /** How often a waiting command tries for the lease again. */
    static final Duration WAIT_PAUSE = Duration.ofSeconds(2);

    private static final Set<String> VALUED = Set.of("target", "compression", "jobs");
    private static final Set<String> FLAGS = Set.of("owners-and-privileges", "json", "no-wait");
    private static final Set<String> REPEATABLE = Set.of("schema", "exclude-schema");

    private final BackupOptions backups;
    private final BackupJobs jobs;
    private final InstanceSettings settings;
    private final ObjectMapper json;

    public BackupCommand(BackupOptions backups, BackupJobs jobs, InstanceSettings settings, ObjectMapper json) {
        this.backups = backups;
        this.jobs = jobs;
        this.settings = settings;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** The command's arguments, checked. */
    record Options(Optional<String> target, Optional<Compression> compression, Optional<Integer> jobs,
            boolean ownersAndPrivileges, List<String> include, List<String> exclude, boolean noWait, boolean json) {
    }

    @Override
    public String name() {
        return "backup";
    }

    @Override
    public String usage() {
        return "[--target DIR|s3://BUCKET/PREFIX] [--compression zstd|gzip|none] [--jobs N] [--owners-and-privileges] "
                + "[--schema PATTERN]... [--exclude-schema PATTERN]... [--no-wait] [--json]  take a backup (waiting "
                + "for one running elsewhere unless --no-wait), then exit";
    }

    @Override
    public void check(List<String> args) {
        parse(args);
    }

    @Override
    public int run(List<String> args) throws Exception {
        Options options = parse(args);
        backups.validateEncryptionSettings();
        loadLiveSettings();
        BackupStore store = options.target().map(backups::store).orElseGet(backups::defaultStore);
        BackupRequest request = backups.request(store);
        request = request.withCompression(options.compression().orElse(request.compression()))
                .withJobs(options.jobs().orElse(request.jobs()))
                // The flag turns owners and privileges on; without it the setting decides.
                .withOwnersAndPrivileges(options.ownersAndPrivileges() || request.ownersAndPrivileges())
                .withSelection(selection(options, request.selection()));
        BackupManifest manifest = take(request, options.noWait()).manifest();
        if (options.json()) {
            System.out.println(json.writeValueAsString(manifest));
        } else {
            double seconds = Duration.between(manifest.startedAt(), manifest.finishedAt()).toMillis() / 1000.0;
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

    /** Runs the backup through the runner, waiting for (or, with {@code noWait}, refusing at) one running elsewhere. */
    private BackupJobs.Finished take(BackupRequest request, boolean noWait) throws InterruptedException {
        String announced = null;
        while (true) {
            BackupJobs.Start start = jobs.runHere(request, "cli");
            if (start instanceof BackupJobs.Finished finished) {
                return finished;
            }
            if (start instanceof BackupJobs.MigrationRunning migration) {
                throw new CommandFailedException(migration.who() + " holds the schema-change gate of this database; "
                        + "take the backup once it has finished", null);
            }
            BackupJobs.Busy busy = (BackupJobs.Busy) start;
            if (noWait) {
                throw new CommandFailedException(busy.describe() + "; run the command again once it has finished, "
                        + "or without --no-wait to wait for it", null);
            }
            if (!busy.runningId().equals(announced)) {
                System.err.println("cpdb backup: waiting: " + busy.describe());
                announced = busy.runningId();
            }
            Thread.sleep(WAIT_PAUSE.toMillis());
        }
    }

    /**
     * Reads the instance settings stored in the database, so the backup uses the live values as the service would; a
     * database the service never ran on has none, and the configuration applies.
     */
    private void loadLiveSettings() {
        try {
            settings.load();
        } catch (IllegalStateException e) {
            // No instance settings on this database: the configuration is what applies.
        }
    }

    /**
     * The selection of {@code --schema} (instead of the include setting) and {@code --exclude-schema} (with the
     * exclude setting).
     */
    private static SchemaSelection selection(Options options, SchemaSelection settings) {
        List<String> exclude = new ArrayList<>(settings.excludePatterns());
        exclude.addAll(options.exclude());
        return SchemaSelection.of(options.include().isEmpty() ? settings.includePatterns() : options.include(),
                exclude);
    }

    /** Parses and checks the arguments; anything wrong is a usage error (exit status 2). */
    static Options parse(List<String> args) {
        CommandArguments options = CommandArguments.parse(args, VALUED, FLAGS, REPEATABLE);
        options.positional(0, "no arguments");
        BackupArguments.checkTarget(options);
        try {
            SchemaSelection.of(options.values("schema"), options.values("exclude-schema"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new Options(options.value("target"), options.value("compression").map(BackupCommand::compression),
                options.value("jobs").map(BackupCommand::jobs), options.flag("owners-and-privileges"),
                options.values("schema"), options.values("exclude-schema"), options.flag("no-wait"),
                options.flag("json"));
    }

    private static Compression compression(String value) {
        try {
            return Compression.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--compression: " + e.getMessage());
        }
    }

    /** Parses {@code --jobs}. */
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
