package dev.cpdb.secret;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/secrets/{id}/versions}: the value of the new version.
 */
public record SecretRotate(@Schema(required = true, maxLength = 65536) String value) {
}
