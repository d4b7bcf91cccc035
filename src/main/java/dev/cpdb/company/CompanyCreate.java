package dev.cpdb.company;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/companies}; limits and required fields are in {@link CompanyFields}.
 */
public record CompanyCreate(
        String name,
        @Schema(examples = "ACME") String issuePrefix) {
}
