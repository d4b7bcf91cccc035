package dev.cpdb.agent;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.Rows;
import dev.cpdb.database.simple.SecretValues;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of {@code public.agent_api_keys}.
 */
@ApplicationScoped
public class AgentKeyRepository {

    /** The agent and company a presented key stands for. */
    record KeyOwner(UUID companyId, UUID agentId) {
    }

    public Uni<AgentKey> insert(SqlClient client, UUID id, UUID companyId, UUID agentId, String name, byte[] hash,
            String prefix) {
        return client.preparedQuery("""
                INSERT INTO public.agent_api_keys (id, company_id, agent_id, name, key_hash, key_prefix)
                VALUES ($1, $2, $3, $4, $5, $6)
                RETURNING""" + " " + AgentKey.COLUMNS, SecretValues.KEEP_OUT_OF_TEXT)
                .execute(Tuple.of(id, companyId, agentId, name, Buffer.buffer(hash), prefix))
                .onItem().transform(rows -> AgentKey.from(rows.iterator().next()));
    }

    /** The agent's keys, newest first (an agent has few). */
    public Uni<List<AgentKey>> list(SqlClient client, UUID agentId) {
        return client.preparedQuery("SELECT " + AgentKey.COLUMNS + " FROM public.agent_api_keys "
                + "WHERE agent_id = $1 ORDER BY id DESC")
                .execute(Tuple.of(agentId))
                .onItem().transform(rows -> Rows.list(rows, AgentKey::from));
    }

    public Uni<Optional<AgentKey>> find(SqlClient client, UUID agentId, UUID keyId) {
        return client.preparedQuery("SELECT " + AgentKey.COLUMNS + " FROM public.agent_api_keys "
                + "WHERE id = $1 AND agent_id = $2 FOR UPDATE")
                .execute(Tuple.of(keyId, agentId))
                .onItem().transform(rows -> Rows.first(rows, AgentKey::from));
    }

    public Uni<AgentKey> revoke(SqlClient client, UUID keyId) {
        return client.preparedQuery("UPDATE public.agent_api_keys SET revoked_at = now() WHERE id = $1 RETURNING "
                + AgentKey.COLUMNS)
                .execute(Tuple.of(keyId))
                .onItem().transform(rows -> AgentKey.from(rows.iterator().next()));
    }

    /**
     * Finds the owner of a live key (not revoked, agent not terminated) and, at most once a minute, records its use:
     * one statement, so one round trip and no explicit transaction.
     */
    public Uni<Optional<KeyOwner>> authenticate(SqlClient client, byte[] hash) {
        return client.preparedQuery("""
                WITH live AS (
                    SELECT k.id, k.company_id, k.agent_id, k.last_used_at
                      FROM public.agent_api_keys k
                      JOIN public.agents a ON a.id = k.agent_id
                     WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND a.status <> 'terminated'
                ), touched AS (
                    UPDATE public.agent_api_keys k
                       SET last_used_at = now()
                      FROM live
                     WHERE k.id = live.id
                       AND (live.last_used_at IS NULL OR live.last_used_at < now() - interval '1 minute')
                )
                SELECT company_id, agent_id FROM live""", SecretValues.KEEP_OUT_OF_TEXT)
                .execute(Tuple.of(Buffer.buffer(hash)))
                .onItem().transform(rows -> Rows.first(rows,
                        row -> new KeyOwner(row.getUUID("company_id"), row.getUUID("agent_id"))));
    }
}
