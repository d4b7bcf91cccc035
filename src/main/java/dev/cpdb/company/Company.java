package dev.cpdb.company;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vertx.mutiny.sqlclient.Row;

/**
 * A company, the tenant that owns every other record.
 */
@Schema(description = "A company: the tenant that owns agents, projects, goals, issues and secrets")
public record Company(
        UUID id,
        String name,
        @Schema(description = "Prefix of the company's issue identifiers (ACME in ACME-42); never changes") String issuePrefix,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    static final String COLUMNS = "id, name, issue_prefix, created_at, updated_at";

    static Company from(Row row) {
        return new Company(
                row.getUUID("id"),
                row.getString("name"),
                row.getString("issue_prefix"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }
}
