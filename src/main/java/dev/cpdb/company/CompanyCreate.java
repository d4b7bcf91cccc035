package dev.cpdb.company;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/companies}.
 */
public record CompanyCreate(
        @Schema(required = true, minLength = 1, maxLength = 200) String name,
        @Schema(required = true, pattern = "^[A-Z][A-Z0-9]{1,9}$", examples = "ACME") String issuePrefix) {
}
