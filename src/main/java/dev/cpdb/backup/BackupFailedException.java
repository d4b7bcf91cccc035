package dev.cpdb.backup;

import dev.cpdb.cli.CommandFailedException;

/**
 * A backup, restore or lookup could not be done; the message says why and what to do. Raised for operator errors
 * (unknown backup, non-empty target) as well as for failures of the run itself. A command that meets one exits with
 * its message as the reason.
 */
public class BackupFailedException extends CommandFailedException {

    public BackupFailedException(String message) {
        super(message, null);
    }

    public BackupFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
