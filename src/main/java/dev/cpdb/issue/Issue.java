package dev.cpdb.issue;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.WireValue;
import io.vertx.mutiny.sqlclient.Row;

/**
 * An issue: a unit of work of one company, known by its id and by an identifier such as {@code ACME-42}.
 */
@Schema(description = "An issue of a company")
public record Issue(
        UUID id,
        UUID companyId,
        @Schema(examples = "ACME-42", description = "Issue prefix of the company and the issue's number") String identifier,
        long number,
        @Schema(nullable = true) UUID projectId,
        @Schema(nullable = true) UUID goalId,
        @Schema(nullable = true) UUID assigneeAgentId,
        String title,
        String description,
        IssueStatus status,
        IssuePriority priority,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        @Schema(nullable = true, description = "When the issue became done or cancelled") OffsetDateTime completedAt) {

    static final String COLUMNS = "id, company_id, identifier, number, project_id, goal_id, assignee_agent_id, title, "
            + "description, status, priority, created_at, updated_at, completed_at";

    static Issue from(Row row) {
        return new Issue(
                row.getUUID("id"),
                row.getUUID("company_id"),
                row.getString("identifier"),
                row.getLong("number"),
                row.getUUID("project_id"),
                row.getUUID("goal_id"),
                row.getUUID("assignee_agent_id"),
                row.getString("title"),
                row.getString("description"),
                WireValue.fromColumn(IssueStatus.class, row.getString("status")),
                WireValue.fromColumn(IssuePriority.class, row.getString("priority")),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"),
                row.getOffsetDateTime("completed_at"));
    }

    /** The issue prefix of the issue's company, taken from the identifier. */
    public String prefix() {
        return identifier.substring(0, identifier.lastIndexOf('-'));
    }
}
