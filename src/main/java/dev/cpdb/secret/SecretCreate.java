package dev.cpdb.secret;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/companies/{companyId}/secrets}: the first version's value is encrypted before it is
 * stored. Limits and required fields are in {@link SecretFields}.
 */
public record SecretCreate(
        @Schema(examples = "OPENAI_API_KEY") String name,
        String description,
        String value) {
}
