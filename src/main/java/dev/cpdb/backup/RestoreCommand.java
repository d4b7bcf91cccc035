package dev.cpdb.backup;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.backup.engine.LargeObjectStats;
import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandArguments;
import dev.cpdb.cli.UsageException;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.DirectConnections;

/**
 * {@code restore <id|path> [--target-url URL] [--target DIR|s3://BUCKET/PREFIX] [--clean] [--allow-unsigned] [--json]}: restores a backup in one
 * transaction into the configured database or the one given by {@code --target-url}.
 */
@ApplicationScoped
public class RestoreCommand implements CliCommand {

    private static final Set<String> VALUED = Set.of("target-url", "target");
    private static final Set<String> FLAGS = Set.of("clean", "json", "allow-unsigned");

    private final BackupOptions backups;
    private final RestoreService restores;
    private final Database database;
    private final ObjectMapper json;

    public RestoreCommand(BackupOptions backups, RestoreService restores, Database database, ObjectMapper json) {
        this.backups = backups;
        this.restores = restores;
        this.database = database;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    @Override
    public String name() {
        return "restore";
    }

    @Override
    public String usage() {
        return "<id|path> [--target-url URL] [--target DIR|s3://BUCKET/PREFIX] [--clean] [--allow-unsigned] [--json]  restore a backup, all or nothing";
    }

    @Override
    public boolean needsDatabase(List<String> args) {
        try {
            return parse(args).value("target-url").isEmpty();
        } catch (UsageException e) {
            return false; // reported by run()
        }
    }

    @Override
    public void check(List<String> args) {
        parse(args);
    }

    @Override
    public int run(List<String> args) throws Exception {
        CommandArguments options = parse(args);
        String reference = BackupArguments.reference(options);
        backups.validateEncryptionSettings();
        DirectConnections target = options.value("target-url")
                .map(this::targetConnections)
                .orElseGet(database::direct);
        RestoreService.Located backup = restores.locate(
                options.value("target").map(backups::store).orElseGet(backups::defaultStore), reference);
        RestoreOutcome outcome = restores.restore(backup, target, options.flag("clean"),
                options.flag("allow-unsigned"));
        if (options.flag("json")) {
            System.out.println(json.writeValueAsString(outcome));
        } else {
            System.out.printf("restored backup %s into %s:%d/%s: %d tables, %d rows%s in %.1f s%n",
                    outcome.backupId(), outcome.target().host(), outcome.target().port(), outcome.target().database(),
                    outcome.tables(), outcome.rows(), largeObjects(outcome.largeObjects()),
                    outcome.duration().toMillis() / 1000.0);
            System.out.println("schemas: " + String.join(", ", backup.manifest().schemas())
                    + (options.flag("clean") ? " (replaced; other schemas were left alone)" : ""));
        }
        return 0;
    }

    /** Parses and checks the arguments; anything wrong is a usage error (exit status 2). */
    private static CommandArguments parse(List<String> args) {
        CommandArguments options = CommandArguments.parse(args, VALUED, FLAGS);
        BackupArguments.reference(options);
        BackupArguments.checkTarget(options);
        options.value("target-url").ifPresent(url -> {
            try {
                DatabaseUrl.parse("--target-url", url);
            } catch (InvalidConfigurationException e) {
                throw new UsageException(e.getMessage());
            }
        });
        return options;
    }

    /** The large objects of a restore for its summary line; nothing when there were none. */
    private static String largeObjects(LargeObjectStats stats) {
        return stats.count() == 0 ? "" : String.format(", %d large objects (%d bytes)", stats.count(), stats.bytes());
    }

    private DirectConnections targetConnections(String url) {
        try {
            return new DirectConnections(DatabaseUrl.parse("--target-url", url), "cpdb-restore",
                    java.time.Duration.ofSeconds(10));
        } catch (InvalidConfigurationException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
