package dev.cpdb.plugin;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandFailedException;
import dev.cpdb.cli.UsageException;
import dev.cpdb.migration.MigrationService;
import dev.cpdb.migration.MigrationState;
import dev.cpdb.plugin.folder.PluginManifest;
import dev.cpdb.plugin.namespace.IsolationMode;
import dev.cpdb.plugin.namespace.PluginRun;

/**
 * {@code plugins migrate [key]}: applies pending plugin migrations over the direct path (all plugins, or the one
 * named), re-creating missing roles, ownership and grants on the way, then exits. Exits 1 with a one-line reason when
 * any plugin fails; never applies core migrations (it asks for {@code migrate} first).
 */
@ApplicationScoped
public class PluginsMigrateCommand implements CliCommand {

    private final PluginService plugins;
    private final MigrationService migrations;

    public PluginsMigrateCommand(PluginService plugins, MigrationService migrations) {
        this.plugins = plugins;
        this.migrations = migrations;
    }

    @Override
    public String name() {
        return "plugins migrate";
    }

    @Override
    public String usage() {
        return "[key]  apply pending plugin migrations (all plugins, or the one named), then exit";
    }

    @Override
    public int run(List<String> args) {
        if (args.size() > 1) {
            throw new UsageException("plugins migrate takes at most one plugin key");
        }
        if (args.size() == 1 && !PluginManifest.isValidKey(args.get(0))) {
            throw new UsageException("'" + args.get(0).replaceAll("[^\\x20-\\x7e]", "?")
                    + "' is not a plugin key; keys are " + PluginManifest.KEY_RULE);
        }
        MigrationState core = migrations.state();
        if (!core.upToDate()) {
            throw new CommandFailedException(core.pending().size() + " core migration(s) are pending ("
                    + String.join(", ", core.pending()) + "); run `migrate` first", null);
        }
        List<PluginRun> runs = args.isEmpty() ? plugins.migrateAll()
                : List.of(plugins.migrate(args.get(0)).orElseThrow(() -> new CommandFailedException(
                        "no plugin with key '" + args.get(0) + "' in " + plugins.directory(), null)));
        if (runs.isEmpty()) {
            System.out.println("no plugins in " + plugins.directory());
            return 0;
        }
        runs.forEach(run -> System.out.println(line(run)));
        List<PluginRun> failed = runs.stream().filter(run -> !run.succeeded()).toList();
        if (failed.size() == 1) {
            throw new CommandFailedException("plugin " + failed.get(0).key() + ": " + failed.get(0).error(), null);
        }
        if (!failed.isEmpty()) {
            throw new CommandFailedException(failed.size() + " plugins failed: " + failed.stream()
                    .map(run -> run.key() + " (" + run.error() + ")")
                    .collect(Collectors.joining("; ")), null);
        }
        return 0;
    }

    private static String line(PluginRun run) {
        return switch (run.outcome()) {
            case MIGRATED -> run.key() + ": up to date, applied " + run.applied() + " migration(s) (schema "
                    + run.namespace() + ", " + (run.isolation() == IsolationMode.ROLE ? "role " + run.role()
                            : "schema-only isolation: " + PluginService.SCHEMA_ONLY_WARNING)
                    + ")";
            case FAILED -> run.key() + ": migration_failed: " + run.error();
            case BUSY -> run.key() + ": busy: " + run.error();
            case INVALID -> run.key() + ": invalid: " + run.error();
        };
    }
}
