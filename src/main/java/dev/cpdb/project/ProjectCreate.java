package dev.cpdb.project;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/companies/{companyId}/projects}.
 */
public record ProjectCreate(
        @Schema(required = true, minLength = 1, maxLength = 200) String name,
        @Schema(maxLength = 10000) String description,
        @Schema(description = "Default active") ProjectStatus status) {
}
