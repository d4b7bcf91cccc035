package dev.cpdb.issue.reference;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandFailedException;
import dev.cpdb.cli.UsageException;
import dev.cpdb.company.CompanyRepository;
import dev.cpdb.database.Database;

/**
 * {@code issue-references backfill [--company ID] [--batch-size N]}: fills issue references for text written before
 * they were synced. Idempotent and restartable; runs over the runtime pool, so it works behind a transaction pooler,
 * and blocks the command's main thread while it waits, which is fine for a command.
 */
@ApplicationScoped
public class IssueReferenceBackfillCommand implements CliCommand {

    static final int DEFAULT_BATCH = 500;
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(10);

    private final IssueReferenceBackfill backfill;
    private final Database database;
    private final CompanyRepository companies;

    public IssueReferenceBackfillCommand(IssueReferenceBackfill backfill, Database database,
            CompanyRepository companies) {
        this.backfill = backfill;
        this.database = database;
        this.companies = companies;
    }

    @Override
    public String name() {
        return "issue-references backfill";
    }

    @Override
    public String usage() {
        return "[--company ID] [--batch-size N]  sync issue references from all issue text, in batches";
    }

    @Override
    public int run(List<String> args) {
        UUID company = null;
        int batchSize = DEFAULT_BATCH;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--company") && i + 1 < args.size()) {
                company = companyId(args.get(++i));
            } else if (arg.equals("--batch-size") && i + 1 < args.size()) {
                batchSize = batchSize(args.get(++i));
            } else if (arg.equals("--company") || arg.equals("--batch-size")) {
                throw new UsageException(arg + " needs a value");
            } else {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
        }
        requireSchema();
        if (company != null) {
            requireCompany(company);
        }
        UUID after = null;
        int batches = 0;
        int issues = 0;
        int comments = 0;
        IssueReferenceRepository.Change total = new IssueReferenceRepository.Change(0, 0);
        while (true) {
            IssueReferenceBackfill.BatchResult result = backfill.nextBatch(company, after, batchSize)
                    .await().atMost(BATCH_TIMEOUT);
            if (result.issues() == 0) {
                break;
            }
            batches++;
            issues += result.issues();
            comments += result.comments();
            total = total.plus(result.change());
            after = result.lastIssueId();
            System.out.printf("batch %d: %d issues, %d comments, %d references added, %d removed%n", batches,
                    result.issues(), result.comments(), result.change().added(), result.change().removed());
        }
        System.out.printf("done: %d issues and %d comments in %d batch(es); %d references added, %d removed%n", issues,
                comments, batches, total.added(), total.removed());
        return 0;
    }

    private void requireSchema() {
        Object table = database.pool().query("SELECT to_regclass('public.issue_references')::text AS name")
                .execute()
                .await().atMost(BATCH_TIMEOUT)
                .iterator().next().getValue("name");
        if (table == null) {
            throw new CommandFailedException("the database has no issue_references table yet; run `migrate` first",
                    null);
        }
    }

    private void requireCompany(UUID id) {
        if (!companies.exists(database.pool(), id).await().atMost(BATCH_TIMEOUT)) {
            throw new UsageException("--company " + id + " names no company of this database; give the id of an "
                    + "existing company (GET /api/companies lists them)");
        }
    }

    private static UUID companyId(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--company takes a company id (a UUID), not '" + text + "'");
        }
    }

    private static int batchSize(String text) {
        if (!text.matches("[0-9]{1,6}") || Integer.parseInt(text) < 1) {
            throw new UsageException("--batch-size takes a whole number from 1 to 999999, not '" + text + "'");
        }
        return Integer.parseInt(text);
    }
}
