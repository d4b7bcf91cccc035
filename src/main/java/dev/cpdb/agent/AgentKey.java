package dev.cpdb.agent;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vertx.mutiny.sqlclient.Row;

/**
 * An agent API key's metadata; the key itself is shown once, at creation ({@link AgentKeyCreated}).
 */
@Schema(description = "An agent API key's metadata (never the key)")
public record AgentKey(
        UUID id,
        UUID agentId,
        String name,
        @Schema(description = "First characters of the key, to recognize it") String keyPrefix,
        OffsetDateTime createdAt,
        @Schema(nullable = true, description = "Last successful use, to the minute") OffsetDateTime lastUsedAt,
        @Schema(nullable = true) OffsetDateTime revokedAt) {

    static final String COLUMNS = "id, agent_id, name, key_prefix, created_at, last_used_at, revoked_at";

    static AgentKey from(Row row) {
        return new AgentKey(
                row.getUUID("id"),
                row.getUUID("agent_id"),
                row.getString("name"),
                row.getString("key_prefix"),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("last_used_at"),
                row.getOffsetDateTime("revoked_at"));
    }
}
