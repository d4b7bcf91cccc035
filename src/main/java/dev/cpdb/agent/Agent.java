package dev.cpdb.agent;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.WireValue;
import io.vertx.mutiny.sqlclient.Row;

/**
 * An agent working for a company.
 */
@Schema(description = "An agent working for a company")
public record Agent(
        UUID id,
        UUID companyId,
        String name,
        String role,
        AgentStatus status,
        String adapterType,
        @Schema(description = "Adapter settings; 'env' maps variable names to {\"value\": ...} or "
                + "{\"secretId\": ..., \"version\": ...}; secret values are never included") Map<String, Object> adapterConfig,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    static final String COLUMNS = "id, company_id, name, role, status, adapter_type, adapter_config, created_at, "
            + "updated_at";

    static Agent from(Row row) {
        return new Agent(
                row.getUUID("id"),
                row.getUUID("company_id"),
                row.getString("name"),
                row.getString("role"),
                WireValue.fromColumn(AgentStatus.class, row.getString("status")),
                row.getString("adapter_type"),
                row.getJsonObject("adapter_config").getMap(),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }
}
