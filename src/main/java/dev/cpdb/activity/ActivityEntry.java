package dev.cpdb.activity;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/**
 * One row of the activity log.
 */
@Schema(description = "One write recorded in the activity log")
public record ActivityEntry(
        UUID id,
        UUID companyId,
        @Schema(enumeration = {
                "operator", "agent", "system" }) String actorType,
        @Schema(nullable = true, description = "The agent's id when actorType is agent") UUID actorId,
        @Schema(examples = "issue.created") String action,
        @Schema(examples = "issue") String entityType,
        UUID entityId,
        @Schema(description = "What changed (field names, identifiers); never secret values") Map<String, Object> details,
        OffsetDateTime createdAt){

    static final String COLUMNS = "id, company_id, actor_type, actor_id, action, entity_type, entity_id, details, "
            + "created_at";

    static ActivityEntry from(Row row) {
        JsonObject details = row.getJsonObject("details");
        return new ActivityEntry(
                row.getUUID("id"),
                row.getUUID("company_id"),
                row.getString("actor_type"),
                row.getUUID("actor_id"),
                row.getString("action"),
                row.getString("entity_type"),
                row.getUUID("entity_id"),
                details == null ? Map.of() : details.getMap(),
                row.getOffsetDateTime("created_at"));
    }
}
