package dev.cpdb.backup;

/**
 * A backup, restore or lookup could not be done; the message says why and what to do. Raised for operator errors
 * (unknown backup, non-empty target) as well as for failures of the run itself.
 */
public class BackupFailedException extends RuntimeException {

    public BackupFailedException(String message) {
        super(message);
    }

    public BackupFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
