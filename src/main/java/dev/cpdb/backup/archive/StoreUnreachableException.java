package dev.cpdb.backup.archive;

import java.io.IOException;

/** The backup store failed, or did not answer in time; the message names the store and the cause. */
public final class StoreUnreachableException extends IOException {

    public StoreUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
