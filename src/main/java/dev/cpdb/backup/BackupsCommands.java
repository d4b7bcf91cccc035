package dev.cpdb.backup;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandArguments;

/**
 * {@code backups list} and {@code backups show <id>}: read the backup store only, no database needed.
 */
public final class BackupsCommands {

    private BackupsCommands() {
    }

    /** {@code backups list [--target DIR|s3://BUCKET/PREFIX] [--json]}. */
    @ApplicationScoped
    public static class ListCommand implements CliCommand {

        private final BackupOptions backups;
        private final BackupListing listing;
        private final ObjectMapper json;

        public ListCommand(BackupOptions backups, BackupListing listing, ObjectMapper json) {
            this.backups = backups;
            this.listing = listing;
            this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
        }

        @Override
        public String name() {
            return "backups list";
        }

        @Override
        public String usage() {
            return "[--target DIR|s3://BUCKET/PREFIX] [--json]  list committed backups, newest first";
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
            List<BackupManifest> manifests = listing.committed(store);
            if (options.flag("json")) {
                System.out.println(json.writeValueAsString(manifests));
                return 0;
            }
            System.out.printf("%-24s %-20s %12s %-5s %7s %12s%n", "ID", "FINISHED", "BYTES", "COMP", "TABLES", "ROWS");
            for (BackupManifest manifest : manifests) {
                System.out.printf("%-24s %-20s %12d %-5s %7d %12d%n", manifest.backupId(),
                        manifest.finishedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        manifest.data().bytes(), manifest.compression(), manifest.tables().size(),
                        manifest.totalRows());
            }
            return 0;
        }

        private static CommandArguments parse(List<String> args) {
            CommandArguments options = CommandArguments.parse(args, Set.of("target"), Set.of("json"));
            options.positional(0, "no arguments");
            BackupArguments.checkTarget(options);
            return options;
        }
    }

    /** {@code backups show <id|path> [--target DIR|s3://BUCKET/PREFIX]}: prints the manifest. */
    @ApplicationScoped
    public static class ShowCommand implements CliCommand {

        private final BackupOptions backups;
        private final RestoreService restores;
        private final ObjectMapper json;

        public ShowCommand(BackupOptions backups, RestoreService restores, ObjectMapper json) {
            this.backups = backups;
            this.restores = restores;
            this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
        }

        @Override
        public String name() {
            return "backups show";
        }

        @Override
        public String usage() {
            return "<id|path> [--target DIR|s3://BUCKET/PREFIX]  print a backup's manifest";
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
            System.out.println(json.writeValueAsString(restores.locate(store, BackupArguments.reference(options))
                    .manifest()));
            return 0;
        }

        private static CommandArguments parse(List<String> args) {
            CommandArguments options = CommandArguments.parse(args, Set.of("target"), Set.of());
            BackupArguments.reference(options);
            BackupArguments.checkTarget(options);
            return options;
        }
    }
}
