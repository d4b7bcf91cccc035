package dev.cpdb.backup.crypto;

import java.io.IOException;

/** An age file that cannot be decrypted: damaged, altered, truncated, or for another key. */
public final class AgeException extends IOException {

    private static final long serialVersionUID = 1L;

    /** With a message that says what is wrong. */
    public AgeException(String message) {
        super(message);
    }
}
