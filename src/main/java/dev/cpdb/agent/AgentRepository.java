package dev.cpdb.agent;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Rows;
import dev.cpdb.database.simple.SecretValues;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of {@code public.agents} and of {@code public.agent_secret_refs}, the index of which secrets an agent's
 * environment refers to.
 */
@ApplicationScoped
public class AgentRepository {

    /** The values of an agent row that writes set. */
    public record Values(String name, String role, AgentStatus status, String adapterType,
            Map<String, Object> adapterConfig) {
    }

    public Uni<Agent> insert(SqlClient client, UUID id, UUID companyId, Values values) {
        return client.preparedQuery("""
                INSERT INTO public.agents (id, company_id, name, role, status, adapter_type, adapter_config)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                RETURNING """ + " " + Agent.COLUMNS, SecretValues.KEEP_OUT_OF_TEXT)
                .execute(Tuple.tuple()
                        .addUUID(id)
                        .addUUID(companyId)
                        .addString(values.name())
                        .addString(values.role())
                        .addString(values.status().wire())
                        .addString(values.adapterType())
                        .addJsonObject(new JsonObject(values.adapterConfig())))
                .onItem().transform(rows -> Agent.from(rows.iterator().next()));
    }

    /** The agent, if it exists and {@code scope} (a company id, or null for all) allows it. */
    public Uni<Optional<Agent>> find(SqlClient client, UUID id, UUID scope) {
        return client.preparedQuery("SELECT " + Agent.COLUMNS + " FROM public.agents "
                + "WHERE id = $1 AND ($2::uuid IS NULL OR company_id = $2)")
                .execute(Tuple.of(id, scope))
                .onItem().transform(rows -> Rows.first(rows, Agent::from));
    }

    /** Like {@link #find}, and locks the row until the transaction ends. */
    public Uni<Optional<Agent>> lock(SqlClient client, UUID id, UUID scope) {
        return client.preparedQuery("SELECT " + Agent.COLUMNS + " FROM public.agents "
                + "WHERE id = $1 AND ($2::uuid IS NULL OR company_id = $2) FOR NO KEY UPDATE")
                .execute(Tuple.of(id, scope))
                .onItem().transform(rows -> Rows.first(rows, Agent::from));
    }

    /** Whether the agent exists in the company. */
    public Uni<Boolean> existsInCompany(SqlClient client, UUID companyId, UUID id) {
        return client.preparedQuery("SELECT 1 FROM public.agents WHERE company_id = $1 AND id = $2")
                .execute(Tuple.of(companyId, id))
                .onItem().transform(rows -> rows.size() > 0);
    }

    /** A page of a company's agents, newest first, optionally only those with one status. */
    public Uni<List<Agent>> list(SqlClient client, UUID companyId, AgentStatus status, PageRequest page) {
        return client.preparedQuery("SELECT " + Agent.COLUMNS + """
                 FROM public.agents
                WHERE company_id = $1
                  AND ($2::text IS NULL OR status = $2)
                  AND ($3::uuid IS NULL OR id < $3)
                ORDER BY id DESC
                LIMIT $4""")
                .execute(Tuple.of(companyId, status == null ? null : status.wire(), page.before(), page.fetchSize()))
                .onItem().transform(rows -> Rows.list(rows, Agent::from));
    }

    /** Every agent whose environment has at least one inline value, oldest first, from {@code after} on. */
    public Uni<List<Agent>> withInlineEnv(SqlClient client, UUID after, int limit) {
        return client.preparedQuery("SELECT " + Agent.COLUMNS + """
                 FROM public.agents
                WHERE jsonb_typeof(adapter_config -> 'env') = 'object'
                  AND jsonb_path_exists(adapter_config, '$.env.* ? (exists (@.value))')
                  AND ($1::uuid IS NULL OR id > $1)
                ORDER BY id
                LIMIT $2""")
                .execute(Tuple.of(after, limit))
                .onItem().transform(rows -> Rows.list(rows, Agent::from));
    }

    public Uni<Agent> update(SqlClient client, UUID id, Values values) {
        return client.preparedQuery("""
                UPDATE public.agents
                   SET name = $2, role = $3, status = $4, adapter_type = $5, adapter_config = $6
                 WHERE id = $1
                RETURNING """ + " " + Agent.COLUMNS, SecretValues.KEEP_OUT_OF_TEXT)
                .execute(Tuple.tuple()
                        .addUUID(id)
                        .addString(values.name())
                        .addString(values.role())
                        .addString(values.status().wire())
                        .addString(values.adapterType())
                        .addJsonObject(new JsonObject(values.adapterConfig())))
                .onItem().transform(rows -> Agent.from(rows.iterator().next()));
    }

    /** Deletes the agent (its keys and secret references go with it); fails while issues or comments name it. */
    public Uni<Boolean> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM public.agents WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.rowCount() > 0);
    }

    /** Makes {@code agent_secret_refs} list exactly {@code secretIds} for the agent. */
    public Uni<Void> replaceSecretRefs(SqlClient client, UUID companyId, UUID agentId, Set<UUID> secretIds) {
        UUID[] ids = secretIds.toArray(UUID[]::new);
        return client.preparedQuery("""
                DELETE FROM public.agent_secret_refs
                 WHERE agent_id = $1 AND NOT (secret_id = ANY($2))""")
                .execute(Tuple.of(agentId, ids))
                .chain(() -> client.preparedQuery("""
                        INSERT INTO public.agent_secret_refs (company_id, agent_id, secret_id)
                        SELECT $1, $2, unnest($3::uuid[])
                        ON CONFLICT DO NOTHING""")
                        .execute(Tuple.of(companyId, agentId, ids)))
                .replaceWithVoid();
    }
}
