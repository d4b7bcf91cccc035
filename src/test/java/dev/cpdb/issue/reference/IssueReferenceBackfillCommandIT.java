package dev.cpdb.issue.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.cpdb.api.Ids;
import dev.cpdb.testing.CommandDatabase;
import dev.cpdb.testing.CpdbProcess;

/**
 * {@code issue-references backfill} run on the packaged jar against a real PostgreSQL. The issues and comments are
 * written straight into the tables, as text written before references were synced is; expectations follow the
 * issue: mentions become references, in batches, idempotently, only for the named company when one is given.
 */
class IssueReferenceBackfillCommandIT {

    @Test
    void theBackfillLinksOldTextOnceAndOnlyForTheNamedCompany() {
        CommandDatabase database = CommandDatabase.migrated("cli_backfill");
        String acme = company(database, "BFACME");
        String other = company(database, "BFOTHER");
        issue(database, acme, "BFACME", 1, "");
        issue(database, acme, "BFACME", 2, "needs BFACME-1");
        String third = issue(database, acme, "BFACME", 3, "");
        comment(database, acme, third, "related to BFACME-1 and BFACME-2");
        issue(database, other, "BFOTHER", 1, "");
        issue(database, other, "BFOTHER", 2, "see BFOTHER-1");

        CpdbProcess first = database.run("issue-references", "backfill", "--company", acme,
                "--batch-size", "2");

        assertEquals(0, first.exitCode(), first.stderr());
        assertTrue(first.stdout().contains("done: 3 issues and 1 comments in 2 batch(es); 3 references added, "
                + "0 removed"), first.stdout());
        assertEquals(3, references(database, acme));
        assertEquals(0, references(database, other), "only the named company is backfilled");
        assertEquals(2, database.number("SELECT count(*) FROM public.activity_log WHERE company_id = '" + acme
                + "' AND action = 'issue_reference.backfilled' AND actor_type = 'system'"),
                "one entry per batch that changed something");

        CpdbProcess again = database.run("issue-references", "backfill", "--company", acme);

        assertEquals(0, again.exitCode(), again.stderr());
        assertTrue(again.stdout().contains("0 references added, 0 removed"), again.stdout());
        assertEquals(3, references(database, acme));

        CpdbProcess everything = database.run("issue-references", "backfill");

        assertEquals(0, everything.exitCode(), everything.stderr());
        assertTrue(everything.stdout().contains("1 references added, 0 removed"), everything.stdout());
        assertEquals(1, references(database, other));
    }

    @Test
    void badArgumentsExitWithTwoSayingWhatToFix() {
        CommandDatabase database = CommandDatabase.migrated("cli_backfill_usage");

        assertUsageError(database, "--company takes a company id (a UUID), not 'acme'", "--company", "acme");
        String unknown = Ids.next().toString();
        assertUsageError(database, "--company " + unknown + " names no company", "--company", unknown);
        assertUsageError(database, "--company needs a value", "--company");
        assertUsageError(database, "--batch-size takes a whole number from 1", "--batch-size", "0");
        assertUsageError(database, "unexpected argument '--everything'", "--everything");
    }

    @Test
    void anUnmigratedDatabaseIsRefusedNamingTheCommandToRun() {
        CommandDatabase database = CommandDatabase.empty("cli_backfill_unmigrated");

        CpdbProcess backfill = database.run("issue-references", "backfill");

        assertEquals(1, backfill.exitCode(), backfill.stdout());
        assertTrue(backfill.stderr().contains("run `migrate` first"), backfill.stderr());
    }

    private static void assertUsageError(CommandDatabase database, String message, String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "issue-references";
        command[1] = "backfill";
        System.arraycopy(args, 0, command, 2, args.length);
        CpdbProcess run = database.run(command);
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(message), run.stderr());
        assertTrue(run.stderr().contains("usage: issue-references backfill"), run.stderr());
    }

    private static long references(CommandDatabase database, String company) {
        return database.number("SELECT count(*) FROM public.issue_references WHERE company_id = '" + company + "'");
    }

    private static String company(CommandDatabase database, String prefix) {
        String id = Ids.next().toString();
        database.execute("INSERT INTO public.companies (id, name, issue_prefix) VALUES ('" + id + "', '" + prefix
                + "', '" + prefix + "')");
        return id;
    }

    private static String issue(CommandDatabase database, String company, String prefix, int number,
            String description) {
        String id = Ids.next().toString();
        database.execute("INSERT INTO public.issues (id, company_id, number, identifier, title, description) VALUES ('"
                + id + "', '" + company + "', " + number + ", '" + prefix + "-" + number + "', 'Issue " + number
                + "', '" + description + "')");
        return id;
    }

    private static void comment(CommandDatabase database, String company, String issue, String body) {
        database.execute("INSERT INTO public.issue_comments (id, company_id, issue_id, author_type, body) VALUES ('"
                + Ids.next() + "', '" + company + "', '" + issue + "', 'operator', '" + body + "')");
    }
}
