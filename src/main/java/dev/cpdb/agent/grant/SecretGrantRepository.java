package dev.cpdb.agent.grant;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.activity.Actor;
import dev.cpdb.api.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of {@code public.secret_grants}: which agent may read which company secret.
 */
@ApplicationScoped
public class SecretGrantRepository {

    /**
     * Grants each of {@code secretIds} to the agent unless it already holds them; ids outside the company fail on the
     * foreign key.
     *
     * @return the grants that are new; existing ones are left as they were
     */
    public Uni<List<SecretGrant>> grant(SqlClient client, UUID companyId, UUID agentId, Set<UUID> secretIds,
            GrantOrigin origin, Actor grantedBy) {
        return client.preparedQuery("""
                INSERT INTO public.secret_grants (company_id, secret_id, agent_id, origin, granted_by_type)
                SELECT $1, secret_id, $2, $3, $4 FROM unnest($5::uuid[]) AS wanted (secret_id)
                ON CONFLICT DO NOTHING
                RETURNING""" + " " + SecretGrant.COLUMNS)
                .execute(Tuple.of(companyId, agentId, origin.wire(), grantedBy.type().name().toLowerCase(Locale.ROOT),
                        secretIds.toArray(UUID[]::new)))
                .onItem().transform(rows -> Rows.list(rows, SecretGrant::from));
    }

    /** Removes the agent's grant of the secret; false when there was none. */
    public Uni<Boolean> revoke(SqlClient client, UUID secretId, UUID agentId) {
        return client.preparedQuery("DELETE FROM public.secret_grants WHERE secret_id = $1 AND agent_id = $2")
                .execute(Tuple.of(secretId, agentId))
                .onItem().transform(rows -> rows.rowCount() > 0);
    }

    /** Every grant of the secret, oldest first. */
    public Uni<List<SecretGrant>> ofSecret(SqlClient client, UUID secretId) {
        return client.preparedQuery("SELECT " + SecretGrant.COLUMNS
                + " FROM public.secret_grants WHERE secret_id = $1 ORDER BY granted_at, agent_id")
                .execute(Tuple.of(secretId))
                .onItem().transform(rows -> Rows.list(rows, SecretGrant::from));
    }

    /** Every grant the agent holds, oldest first. */
    public Uni<List<SecretGrant>> ofAgent(SqlClient client, UUID agentId) {
        return client.preparedQuery("SELECT " + SecretGrant.COLUMNS
                + " FROM public.secret_grants WHERE agent_id = $1 ORDER BY granted_at, secret_id")
                .execute(Tuple.of(agentId))
                .onItem().transform(rows -> Rows.list(rows, SecretGrant::from));
    }

    /** Which of {@code secretIds} the agent holds a grant for. */
    public Uni<Set<UUID>> granted(SqlClient client, UUID agentId, Set<UUID> secretIds) {
        return client.preparedQuery("""
                SELECT secret_id FROM public.secret_grants
                 WHERE agent_id = $1 AND secret_id = ANY($2)""")
                .execute(Tuple.of(agentId, secretIds.toArray(UUID[]::new)))
                .onItem().transform(rows -> new HashSet<>(Rows.list(rows, row -> row.getUUID("secret_id"))));
    }
}
