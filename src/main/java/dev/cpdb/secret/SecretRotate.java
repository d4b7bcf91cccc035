package dev.cpdb.secret;

/**
 * Body of {@code POST /api/secrets/{id}/versions}: the value of the new version; its limits are in {@link SecretFields}.
 */
public record SecretRotate(String value) {
}
