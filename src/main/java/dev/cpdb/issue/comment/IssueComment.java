package dev.cpdb.issue.comment;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vertx.mutiny.sqlclient.Row;

/**
 * A comment on an issue, written by an operator or an agent.
 */
@Schema(description = "A comment on an issue")
public record IssueComment(
        UUID id,
        UUID issueId,
        UUID companyId,
        @Schema(enumeration = {
                "operator", "agent", "system" }) String authorType,
        @Schema(nullable = true) UUID authorAgentId,
        String body,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt){

    static final String COLUMNS = "id, issue_id, company_id, author_type, author_agent_id, body, created_at, "
            + "updated_at";

    static IssueComment from(Row row) {
        return new IssueComment(
                row.getUUID("id"),
                row.getUUID("issue_id"),
                row.getUUID("company_id"),
                row.getString("author_type"),
                row.getUUID("author_agent_id"),
                row.getString("body"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }
}
