package dev.cpdb.backup;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandArguments;

/**
 * {@code verify <id|path> [--target DIR|s3://BUCKET/PREFIX] [--allow-unsigned] [--json]}: a restore drill into a
 * scratch database on the configured server, through the backup runner: recorded in the run table like the
 * service's drills, so the backups health group and metrics of every replica report it.
 */
@ApplicationScoped
public class VerifyCommand implements CliCommand {

    private final BackupOptions backups;
    private final RestoreService restores;
    private final BackupJobs jobs;
    private final ObjectMapper json;

    public VerifyCommand(BackupOptions backups, RestoreService restores, BackupJobs jobs, ObjectMapper json) {
        this.backups = backups;
        this.restores = restores;
        this.jobs = jobs;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String usage() {
        return "<id|path> [--target DIR|s3://BUCKET/PREFIX] [--allow-unsigned] [--json]  restore a backup into a "
                + "scratch database and compare row counts";
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
        RestoreService.Located backup = restores.locate(
                options.value("target").map(backups::store).orElseGet(backups::defaultStore), reference);
        VerifyResult result = jobs.verifyHere(backup, "cli", options.flag("allow-unsigned"));
        if (options.flag("json")) {
            System.out.println(json.writeValueAsString(result));
        } else if (result.passed()) {
            System.out.printf("backup %s verified: %d tables, %d rows, counts match the manifest%n", result.backupId(),
                    result.tables(), result.rows());
        } else {
            System.err.printf("cpdb verify: backup %s failed its restore drill: %s%s%n", result.backupId(),
                    result.error(), result.mismatches().isEmpty() ? "" : " (" + String.join("; ", result.mismatches())
                            + ")");
        }
        return result.passed() ? 0 : 1;
    }

    private static CommandArguments parse(List<String> args) {
        CommandArguments options = CommandArguments.parse(args, Set.of("target"), Set.of("json", "allow-unsigned"));
        BackupArguments.reference(options);
        BackupArguments.checkTarget(options);
        return options;
    }
}
