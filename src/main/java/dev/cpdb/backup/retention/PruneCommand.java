package dev.cpdb.backup.retention;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.backup.BackupArguments;
import dev.cpdb.backup.BackupFailedException;
import dev.cpdb.backup.BackupOptions;
import dev.cpdb.backup.retention.PruneReport.Action;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandArguments;

/**
 * {@code backups prune [--target DIR|s3://BUCKET/PREFIX] [--dry-run] [--json]}: applies the configured retention
 * policy to a backup store now and prints every decision with its reason. Reads and deletes in the store only, no database needed.
 */
@ApplicationScoped
public class PruneCommand implements CliCommand {

    private final BackupOptions backups;
    private final BackupRetention retention;
    private final ObjectMapper json;

    public PruneCommand(BackupOptions backups, BackupRetention retention, ObjectMapper json) {
        this.backups = backups;
        this.retention = retention;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    @Override
    public String name() {
        return "backups prune";
    }

    @Override
    public String usage() {
        return "[--target DIR|s3://BUCKET/PREFIX] [--dry-run] [--json]  delete the backups the retention policy "
                + "does not keep";
    }

    @Override
    public boolean needsDatabase() {
        return false;
    }

    @Override
    public void check(List<String> args) {
        parse(args);
    }

    @Override
    public int run(List<String> args) throws Exception {
        CommandArguments options = parse(args);
        BackupStore store = options.value("target").map(backups::store).orElseGet(backups::defaultStore);
        PruneReport report = retention.prune(store, options.flag("dry-run"));
        if (options.flag("json")) {
            System.out.println(json.writeValueAsString(report));
        } else {
            print(report);
        }
        if (!report.errors().isEmpty()) {
            throw new BackupFailedException(report.errors().size() == 1 ? report.errors().get(0)
                    : report.errors().get(0) + " (and " + (report.errors().size() - 1) + " more errors)");
        }
        return 0;
    }

    private static CommandArguments parse(List<String> args) {
        CommandArguments options = CommandArguments.parse(args, Set.of("target"), Set.of("dry-run", "json"));
        options.positional(0, "no arguments");
        BackupArguments.checkTarget(options);
        return options;
    }

    private static void print(PruneReport report) {
        System.out.printf("retention of %s at %s%s%n", report.location(), report.now().truncatedTo(ChronoUnit.SECONDS),
                report.dryRun() ? " (dry run: nothing is deleted)" : "");
        System.out.printf("policy: %s%n", report.policy().describe());
        for (PruneReport.BackupOutcome backup : report.backups()) {
            System.out.printf("%-12s %-24s finished %-20s %s%n", verb(backup.action()), backup.id(),
                    backup.finishedAt().truncatedTo(ChronoUnit.SECONDS), backup.explanation());
        }
        String age = readable(report.leftoverAge());
        for (PruneReport.Leftover leftover : report.leftovers()) {
            String why = leftover.action() == Action.KEPT ? "younger than " + age + ", may belong to a running backup"
                    : "older than " + age;
            System.out.printf("%-12s %s: %s since %s, %s%n", verb(leftover.action()), leftover.key(), leftover.kind(),
                    leftover.since().truncatedTo(ChronoUnit.SECONDS), why);
        }
        for (PruneReport.LeftAlone other : report.leftAlone()) {
            System.out.printf("%-12s %s: %s%n", "left alone", other.key(), other.reason());
        }
        if (report.foreignObjects() > 0) {
            System.out.printf("%-12s %s outside backup folders%n", "left alone",
                    count(report.foreignObjects(), "object"));
        }
        for (String error : report.errors()) {
            System.out.printf("%-12s %s%n", "error", error);
        }
        System.out.printf("%d kept, %d %s, %s %s, %s%n", report.kept().size(), report.deleted().size(),
                report.dryRun() ? "would be deleted" : "deleted", count(report.leftoversRemoved().size(), "leftover"),
                report.dryRun() ? "would be removed" : "removed", count(report.errors().size(), "error"));
    }

    private static String count(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /** A duration the way operators write it in settings: {@code 6h}, {@code 2d}, {@code 90m}. */
    static String readable(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toNanosPart() != 0) {
            return duration.toString();
        }
        long seconds = duration.getSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    private static String verb(Action action) {
        return switch (action) {
            case KEPT -> "keep";
            case DELETED -> "deleted";
            case WOULD_DELETE -> "would delete";
            case FAILED -> "not deleted";
        };
    }
}
