package dev.cpdb.secret;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/companies/{companyId}/secrets}: the first version's value is encrypted before it is
 * stored.
 */
public record SecretCreate(
        @Schema(required = true, pattern = "^[A-Za-z_][A-Za-z0-9_.-]{0,127}$", examples = "OPENAI_API_KEY") String name,
        @Schema(maxLength = 1000) String description,
        @Schema(required = true, maxLength = 65536) String value) {
}
