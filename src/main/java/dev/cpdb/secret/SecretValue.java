package dev.cpdb.secret;

import java.util.UUID;

/**
 * A decrypted secret value, returned only by the value endpoint and never logged.
 */
public record SecretValue(UUID secretId, String name, int version, String value) {

    @Override
    public String toString() {
        // Keeps the value out of logs and exception messages that print records.
        return "SecretValue[secretId=" + secretId + ", name=" + name + ", version=" + version + ", value=***]";
    }
}
