package dev.cpdb.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.cpdb.api.Ids;
import dev.cpdb.testing.CommandDatabase;
import dev.cpdb.testing.CpdbProcess;

/**
 * {@code secrets migrate-inline-env} run on the packaged jar against a real PostgreSQL. The inline values are written
 * straight into the table, as agents written before strict mode have them. Expectations follow the issue (dry run by
 * default, prints what it would change, never a value) and our design (the agent is granted the new secret).
 */
class MigrateInlineEnvCommandIT {

    private static final String MODEL_KEY = "sk-jar-inline-4e8b1d07";
    private static final String GITHUB_TOKEN = "ghp-jar-inline-93ac5f12";

    @Test
    void aDryRunOnlyReportsNamesAndApplyMovesTheValuesIntoGrantedSecretsOnce() {
        CommandDatabase database = CommandDatabase.migrated("cli_inline_env");
        String company = Ids.next().toString();
        database.execute("INSERT INTO public.companies (id, name, issue_prefix) VALUES ('" + company
                + "', 'Inline', 'INL')");
        String legacy = agent(database, company, "legacy bot", "{\"OPENAI_API_KEY\": {\"value\": \"" + MODEL_KEY
                + "\"}, \"LOG_LEVEL\": {\"value\": \"debug\"}}");
        String runner = agent(database, company, "ci runner", "{\"GITHUB_TOKEN\": {\"value\": \"" + GITHUB_TOKEN
                + "\"}}");
        database.execute("INSERT INTO public.company_secrets (id, company_id, name, latest_version) VALUES ('"
                + Ids.next() + "', '" + company + "', 'GITHUB_TOKEN', 1)");

        CpdbProcess dryRun = database.run("secrets", "migrate-inline-env");

        assertEquals(0, dryRun.exitCode(), dryRun.stderr());
        assertTrue(dryRun.stdout().contains("agent " + legacy + " (legacy bot, company " + company
                + "): would move OPENAI_API_KEY into a company secret"), dryRun.stdout());
        assertTrue(dryRun.stdout().contains("agent " + runner + " (ci runner, company " + company
                + "): would move GITHUB_TOKEN"), dryRun.stdout());
        assertTrue(dryRun.stdout().contains("dry run: 2 inline value(s) of 2 agent(s) would move into secrets"),
                dryRun.stdout());
        assertFalse(dryRun.stdout().contains("LOG_LEVEL"), "only sensitive-looking names move: " + dryRun.stdout());
        assertNoValues(dryRun);
        assertEquals(1, database.number("SELECT count(*) FROM public.company_secrets"), "a dry run writes nothing");
        assertEquals(MODEL_KEY, envField(database, legacy, "OPENAI_API_KEY", "value"));

        CpdbProcess applied = database.run("secrets", "migrate-inline-env", "--apply");

        assertEquals(0, applied.exitCode(), applied.stderr());
        assertTrue(applied.stdout().contains("moved OPENAI_API_KEY into secret 'OPENAI_API_KEY'"), applied.stdout());
        assertTrue(applied.stdout().contains("moved GITHUB_TOKEN into secret 'ci-runner.GITHUB_TOKEN'"),
                applied.stdout());
        assertTrue(applied.stdout().contains("moved 2 inline value(s) of 2 agent(s) into secrets"), applied.stdout());
        assertNoValues(applied);
        String modelSecret = database.text("SELECT id FROM public.company_secrets WHERE name = 'OPENAI_API_KEY'");
        assertNotNull(modelSecret);
        assertEquals(modelSecret, envField(database, legacy, "OPENAI_API_KEY", "secretId"));
        assertEquals("debug", envField(database, legacy, "LOG_LEVEL", "value"), "other variables stay inline");
        assertEquals("inline_env_migration", database.text("SELECT origin FROM public.secret_grants WHERE agent_id = '"
                + legacy + "' AND secret_id = '" + modelSecret + "'"), "the agent may read its moved value");
        assertEquals(1, database.number("SELECT count(*) FROM public.secret_grants WHERE agent_id = '" + runner
                + "'"));
        assertEquals(0, database.number("SELECT count(*) FROM public.company_secret_versions "
                + "WHERE position(convert_to('" + MODEL_KEY + "', 'UTF8') IN ciphertext) > 0"),
                "values are stored encrypted");
        assertEquals(2, database.number("SELECT count(*) FROM public.activity_log WHERE action = 'agent.updated' "
                + "AND actor_type = 'system' AND details -> 'movedToSecrets' IS NOT NULL"));

        CpdbProcess again = database.run("secrets", "migrate-inline-env", "--apply");

        assertEquals(0, again.exitCode(), again.stderr());
        assertTrue(again.stdout().contains("moved 0 inline value(s) of 0 agent(s)"), again.stdout());
        assertEquals(3, database.number("SELECT count(*) FROM public.company_secrets"), "a re-run creates nothing");
        CpdbProcess dryAgain = database.run("secrets", "migrate-inline-env");
        assertTrue(dryAgain.stdout().contains("dry run: 0 inline value(s) of 0 agent(s)"), dryAgain.stdout());
    }

    @Test
    void badArgumentsExitWithTwoSayingWhatToFix() {
        CommandDatabase database = CommandDatabase.migrated("cli_inline_env_usage");

        for (String bad : new String[] { "--force", "--apply=yes", "now" }) {
            CpdbProcess run = database.run("secrets", "migrate-inline-env", bad);
            assertEquals(2, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("unexpected argument '" + bad + "'"), run.stderr());
            assertTrue(run.stderr().contains("usage: secrets migrate-inline-env  [--apply]"), run.stderr());
        }
    }

    @Test
    void anUnmigratedDatabaseIsRefusedNamingTheCommandToRun() {
        CommandDatabase database = CommandDatabase.empty("cli_inline_env_unmigrated");

        CpdbProcess run = database.run("secrets", "migrate-inline-env", "--apply");

        assertEquals(1, run.exitCode(), run.stdout());
        assertTrue(run.stderr().contains("run `migrate` first"), run.stderr());
    }

    private static void assertNoValues(CpdbProcess run) {
        for (String value : new String[] { MODEL_KEY, GITHUB_TOKEN }) {
            assertFalse(run.stdout().contains(value) || run.stderr().contains(value), "values are never printed");
        }
    }

    private static String agent(CommandDatabase database, String company, String name, String env) {
        String id = Ids.next().toString();
        database.execute(
                "INSERT INTO public.agents (id, company_id, name, role, adapter_type, adapter_config) VALUES ('"
                        + id + "', '" + company + "', '" + name + "', 'engineer', 'process', '{\"env\": " + env
                        + "}')");
        return id;
    }

    private static String envField(CommandDatabase database, String agent, String variable, String field) {
        return database.text("SELECT adapter_config -> 'env' -> '" + variable + "' ->> '" + field
                + "' FROM public.agents WHERE id = '" + agent + "'");
    }
}
