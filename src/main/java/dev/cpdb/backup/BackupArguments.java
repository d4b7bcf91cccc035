package dev.cpdb.backup;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import dev.cpdb.backup.store.BackupStores;
import dev.cpdb.cli.CommandArguments;
import dev.cpdb.cli.UsageException;

/** Checks of the backup commands' arguments that need neither the database nor the backup store. */
public final class BackupArguments {

    private BackupArguments() {
    }

    /** Checks the form of {@code --target}, when given. */
    public static void checkTarget(CommandArguments options) {
        options.value("target").ifPresent(target -> {
            try {
                BackupStores.check(target);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--target: " + e.getMessage());
            }
        });
    }

    /** The one positional argument naming a backup: an id, or the path of an existing backup folder. */
    public static String reference(CommandArguments options) {
        String reference = options.positional(1, "one backup id or backup folder").get(0);
        if (!BackupId.isValid(reference) && !existingPath(reference)) {
            throw new UsageException("'" + reference + "' is neither a backup id (like 20261125T101500Z-3f9a1c) "
                    + "nor an existing backup folder");
        }
        return reference;
    }

    private static boolean existingPath(String text) {
        try {
            return Files.exists(Path.of(text));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
