package dev.cpdb.issue;

import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/companies/{companyId}/issues}; the identifier is assigned by the service. Limits and required
 * fields are in {@link IssueFields}.
 */
public record IssueCreate(
        String title,
        @Schema(description = "Mentions of other issues (ACME-7) become issue references") String description,
        @Schema(description = "Default backlog") IssueStatus status,
        @Schema(description = "Default medium") IssuePriority priority,
        @Schema(description = "A project of the same company") UUID projectId,
        @Schema(description = "A goal of the same company") UUID goalId,
        @Schema(description = "An agent of the same company that is not terminated") UUID assigneeAgentId) {
}
