package dev.cpdb.backup.engine;

/**
 * A backup or restore failed; the message names the phase ("copying public.issues") and the reason, and
 * {@link #retryable()} tells whether trying again later may succeed (lock or deadline) or not (unsupported objects,
 * corrupt input).
 */
public class BackupException extends RuntimeException {

    private final String phase;
    private final boolean retryable;

    public BackupException(String phase, String reason, boolean retryable, Throwable cause) {
        super(phase + ": " + reason, cause);
        this.phase = phase;
        this.retryable = retryable;
    }

    public BackupException(String phase, String reason, boolean retryable) {
        this(phase, reason, retryable, null);
    }

    /** The phase that failed, e.g. {@code copying public.issues}. */
    public String phase() {
        return phase;
    }

    public boolean retryable() {
        return retryable;
    }
}
