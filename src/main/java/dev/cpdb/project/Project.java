package dev.cpdb.project;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.WireValue;
import io.vertx.mutiny.sqlclient.Row;

/**
 * A project: a body of work of one company that issues and goals can belong to.
 */
@Schema(description = "A project of a company")
public record Project(
        UUID id,
        UUID companyId,
        String name,
        String description,
        ProjectStatus status,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    static final String COLUMNS = "id, company_id, name, description, status, created_at, updated_at";

    static Project from(Row row) {
        return new Project(
                row.getUUID("id"),
                row.getUUID("company_id"),
                row.getString("name"),
                row.getString("description"),
                WireValue.fromColumn(ProjectStatus.class, row.getString("status")),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }
}
