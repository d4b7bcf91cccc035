package dev.cpdb.goal;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.WireValue;
import io.vertx.mutiny.sqlclient.Row;

/**
 * A goal of a company; goals nest through {@code parentId} and may belong to a project.
 */
@Schema(description = "A goal; goals nest through parentId")
public record Goal(
        UUID id,
        UUID companyId,
        @Schema(nullable = true) UUID parentId,
        @Schema(nullable = true) UUID projectId,
        String title,
        String description,
        GoalStatus status,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    static final String COLUMNS = "id, company_id, parent_id, project_id, title, description, status, created_at, "
            + "updated_at";

    static Goal from(Row row) {
        return new Goal(
                row.getUUID("id"),
                row.getUUID("company_id"),
                row.getUUID("parent_id"),
                row.getUUID("project_id"),
                row.getString("title"),
                row.getString("description"),
                WireValue.fromColumn(GoalStatus.class, row.getString("status")),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }
}
