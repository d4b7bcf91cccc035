package dev.cpdb.goal;

import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/companies/{companyId}/goals}; limits and required fields are in {@link GoalFields}.
 */
public record GoalCreate(
        String title,
        String description,
        @Schema(description = "Default active") GoalStatus status,
        @Schema(description = "A goal of the same company this one contributes to") UUID parentId,
        @Schema(description = "A project of the same company") UUID projectId) {
}
