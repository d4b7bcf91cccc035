package dev.cpdb.secret;

/**
 * A stored secret value cannot be decrypted: wrong master key or altered data. A server-side problem (500), logged
 * with this message, which names the secret but never its value.
 */
public class SecretUnreadableException extends RuntimeException {

    public SecretUnreadableException(String message) {
        super(message);
    }
}
