package dev.cpdb.secret;

/**
 * A stored secret value cannot be decrypted: wrong master key or altered data. The message names the secret but
 * never its value. A wrong key is a deployment fault of this instance (it reports not ready meanwhile, see
 * {@link MasterKeyRecord}) and answers 503; altered data is a server-side problem (500), logged with this message.
 */
public class SecretUnreadableException extends RuntimeException {

    private final boolean wrongKey;

    public SecretUnreadableException(String message) {
        this(message, false);
    }

    public SecretUnreadableException(String message, boolean wrongKey) {
        super(message);
        this.wrongKey = wrongKey;
    }

    /** Whether the value was encrypted under another master key than this instance's. */
    public boolean wrongKey() {
        return wrongKey;
    }
}
