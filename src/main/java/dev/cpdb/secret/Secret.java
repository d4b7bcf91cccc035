package dev.cpdb.secret;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vertx.mutiny.sqlclient.Row;

/**
 * A company secret's metadata; the value is never part of it.
 */
@Schema(description = "A company secret's metadata (never its value)")
public record Secret(
        UUID id,
        UUID companyId,
        String name,
        String description,
        @Schema(description = "Newest version; versions 1 to latestVersion can be read") int latestVersion,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    static final String COLUMNS = "id, company_id, name, description, latest_version, created_at, updated_at";

    static Secret from(Row row) {
        return new Secret(
                row.getUUID("id"),
                row.getUUID("company_id"),
                row.getString("name"),
                row.getString("description"),
                row.getInteger("latest_version"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }
}
