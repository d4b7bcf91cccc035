package dev.cpdb.agent;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandFailedException;
import dev.cpdb.cli.UsageException;
import dev.cpdb.database.Database;

/**
 * {@code secrets migrate-inline-env [--apply]}: lists (dry run, the default) or moves inline agent environment values
 * under sensitive-looking names into company secrets. Prints agents, variables and secret names, never values.
 * Blocks the command's main thread while it waits for the database, which is fine for a command.
 */
@ApplicationScoped
public class MigrateInlineEnvCommand implements CliCommand {

    private static final int BATCH = 100;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final InlineEnvMigration migration;
    private final Database database;

    public MigrateInlineEnvCommand(InlineEnvMigration migration, Database database) {
        this.migration = migration;
        this.database = database;
    }

    @Override
    public String name() {
        return "secrets migrate-inline-env";
    }

    @Override
    public String usage() {
        return "[--apply]  move sensitive inline agent env values into secrets (dry run without --apply)";
    }

    @Override
    public int run(List<String> args) {
        boolean apply = false;
        for (String arg : args) {
            if (!arg.equals("--apply")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            apply = true;
        }
        requireSchema();
        int agents = 0;
        int values = 0;
        UUID after = null;
        while (true) {
            List<InlineEnvMigration.Candidate> batch = migration.candidates(after, BATCH).await().atMost(TIMEOUT);
            if (batch.isEmpty()) {
                break;
            }
            for (InlineEnvMigration.Candidate candidate : batch) {
                after = candidate.agent().id();
                if (candidate.variables().isEmpty()) {
                    continue;
                }
                int moved = apply ? applyTo(candidate) : plan(candidate);
                if (moved > 0) {
                    agents++;
                    values += moved;
                }
            }
        }
        System.out.println(apply
                ? "moved " + values + " inline value(s) of " + agents + " agent(s) into secrets"
                : "dry run: " + values + " inline value(s) of " + agents + " agent(s) would move into secrets; run "
                        + "again with --apply to move them");
        return 0;
    }

    private int plan(InlineEnvMigration.Candidate candidate) {
        for (String variable : candidate.variables()) {
            System.out.println(describe(candidate) + ": would move " + variable + " into a company secret");
        }
        return candidate.variables().size();
    }

    private int applyTo(InlineEnvMigration.Candidate candidate) {
        List<InlineEnvMigration.Moved> moved = migration.apply(candidate.agent().id()).await().atMost(TIMEOUT);
        for (InlineEnvMigration.Moved one : moved) {
            System.out.println(describe(candidate) + ": moved " + one.variable() + " into secret '" + one.secretName()
                    + "'");
        }
        return moved.size();
    }

    private static String describe(InlineEnvMigration.Candidate candidate) {
        return "agent " + candidate.agent().id() + " (" + candidate.agent().name() + ", company "
                + candidate.agent().companyId() + ")";
    }

    private void requireSchema() {
        // Grants are the newest table the command writes; with them, the secrets tables exist too.
        Object table = database.pool().query("SELECT to_regclass('public.secret_grants')::text AS name")
                .execute()
                .await().atMost(TIMEOUT)
                .iterator().next().getValue("name");
        if (table == null) {
            throw new CommandFailedException("the database has no secret_grants table yet; run `migrate` first",
                    null);
        }
    }
}
