package dev.cpdb.secret;

import dev.cpdb.problem.ServerFaultException;

/**
 * A stored secret value cannot be decrypted: wrong master key or altered data. The message names the secret but
 * never its value. A wrong key is a deployment fault of this instance (it reports not ready meanwhile, see
 * {@link MasterKeyRecord}) and answers 503; altered data is a server-side problem (500), logged with this message.
 */
public class SecretUnreadableException extends ServerFaultException {

    public SecretUnreadableException(String message) {
        this(message, false);
    }

    public SecretUnreadableException(String message, boolean wrongKey) {
        // A wrong key is this instance's fault: a replica with the recorded key can answer.
        super(message, wrongKey);
    }

    /** Whether the value was encrypted under another master key than this instance's. */
    public boolean wrongKey() {
        return otherReplicaCanAnswer();
    }
}
