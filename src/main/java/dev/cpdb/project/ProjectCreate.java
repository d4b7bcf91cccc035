package dev.cpdb.project;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/companies/{companyId}/projects}; limits and required fields are in {@link ProjectFields}.
 */
public record ProjectCreate(
        String name,
        String description,
        @Schema(description = "Default active") ProjectStatus status) {
}
