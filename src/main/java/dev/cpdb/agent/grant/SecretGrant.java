package dev.cpdb.agent.grant;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.WireValue;
import io.vertx.mutiny.sqlclient.Row;

/**
 * An agent's permission to read one company secret through an agent environment.
 */
@Schema(description = "An agent's permission to read a company secret through an agent environment")
public record SecretGrant(
        UUID secretId,
        UUID agentId,
        UUID companyId,
        GrantOrigin origin,
        @Schema(description = "Who granted it: operator or system (command-line maintenance, upgrade)") String grantedBy,
        OffsetDateTime grantedAt) {

    static final String COLUMNS = "secret_id, agent_id, company_id, origin, granted_by_type, granted_at";

    static SecretGrant from(Row row) {
        return new SecretGrant(
                row.getUUID("secret_id"),
                row.getUUID("agent_id"),
                row.getUUID("company_id"),
                WireValue.fromColumn(GrantOrigin.class, row.getString("origin")),
                row.getString("granted_by_type"),
                row.getOffsetDateTime("granted_at"));
    }
}
