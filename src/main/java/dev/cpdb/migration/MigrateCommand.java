package dev.cpdb.migration;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.UsageException;

/**
 * {@code migrate}: applies pending core migrations over the direct path and exits.
 */
@ApplicationScoped
public class MigrateCommand implements CliCommand {

    private final MigrationService migrations;

    public MigrateCommand(MigrationService migrations) {
        this.migrations = migrations;
    }

    @Override
    public String name() {
        return "migrate";
    }

    @Override
    public String usage() {
        return "apply pending core migrations, then exit";
    }

    @Override
    public int run(List<String> args) {
        if (!args.isEmpty()) {
            throw new UsageException("migrate takes no arguments");
        }
        MigrationState before = migrations.state();
        MigrationState after = migrations.migrate();
        System.out.println("core schema at version " + after.currentVersion() + "; applied "
                + (after.applied() - before.applied()) + " migration(s), " + after.pending().size() + " pending");
        return after.upToDate() ? 0 : 1;
    }
}
