package dev.cpdb.agent.grant;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.activity.ActivityRepository;
import dev.cpdb.activity.Actor;
import dev.cpdb.agent.AgentRepository;
import dev.cpdb.api.Access;
import dev.cpdb.auth.Caller;
import dev.cpdb.database.Database;
import dev.cpdb.problem.AccessDeniedException;
import dev.cpdb.problem.EntityNotFoundException;
import dev.cpdb.secret.Secret;
import dev.cpdb.secret.SecretRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Rules and transactions for secret grants. Only operators grant and revoke. An agent may refer in an env only to
 * secrets the env's agent holds a grant for; a reference an operator adds grants it. Reading an env reveals a secret
 * to an agent only when that agent holds a grant for it.
 */
@ApplicationScoped
public class SecretGrantService {

    private final Database database;
    private final SecretGrantRepository grants;
    private final SecretRepository secrets;
    private final AgentRepository agents;
    private final ActivityRepository activity;

    public SecretGrantService(Database database, SecretGrantRepository grants, SecretRepository secrets,
            AgentRepository agents, ActivityRepository activity) {
        this.database = database;
        this.grants = grants;
        this.secrets = secrets;
        this.agents = agents;
        this.activity = activity;
    }

    /**
     * Grants the secret to an agent of its company.
     *
     * @return the new grant, or empty when the agent already held one (nothing is written then)
     */
    public Uni<Optional<SecretGrant>> grant(Caller caller, UUID secretId, UUID agentId) {
        return database.pool().withTransaction(tx -> requireSecretAndAgent(tx, caller, secretId, agentId)
                .chain(secret -> grantAll(tx, Actor.of(caller), secret.companyId(), agentId, Set.of(secretId),
                        GrantOrigin.GRANT))
                .onItem().transform(created -> created.stream().findFirst()));
    }

    /** Revokes the agent's grant of the secret; revoking a grant that does not exist changes nothing. */
    public Uni<Void> revoke(Caller caller, UUID secretId, UUID agentId) {
        return database.pool().withTransaction(tx -> requireSecretAndAgent(tx, caller, secretId, agentId)
                .chain(secret -> grants.revoke(tx, secretId, agentId)
                        .call(removed -> removed ? activity.append(tx, Actor.of(caller), secret.companyId(),
                                "secret.grant_revoked", secretId,
                                JsonObject.of("name", secret.name(), "agentId", agentId.toString()))
                                : Uni.createFrom().voidItem()))
                .replaceWithVoid());
    }

    /** Every grant of the secret, oldest first. */
    public Uni<List<SecretGrant>> list(Caller caller, UUID secretId) {
        return secrets.find(database.pool(), secretId, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("secret", secretId))
                .chain(secret -> grants.ofSecret(database.pool(), secretId));
    }

    /**
     * Every grant the agent holds, oldest first. Operators may list any agent's; an agent only its own (a colleague's
     * answers 403, an agent of another company 404 like any record there).
     */
    public Uni<List<SecretGrant>> ofAgent(Caller caller, UUID agentId) {
        return agents.find(database.pool(), agentId, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("agent", agentId))
                .invoke(agent -> {
                    if (!caller.isAdmin() && !caller.agentId().orElseThrow().equals(agentId)) {
                        throw new AccessDeniedException("An agent may list only its own secret grants");
                    }
                })
                .chain(agent -> grants.ofAgent(database.pool(), agentId));
    }

    /**
     * Grants secrets to an agent inside the caller's transaction, one activity entry per grant that is new.
     *
     * @return the new grants
     */
    public Uni<List<SecretGrant>> grantAll(SqlClient tx, Actor actor, UUID companyId, UUID agentId,
            Set<UUID> secretIds, GrantOrigin origin) {
        if (secretIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return grants.grant(tx, companyId, agentId, secretIds, origin, actor)
                .call(created -> Multi.createFrom().iterable(created)
                        .onItem().transformToUniAndConcatenate(grant -> activity.append(tx, actor, companyId,
                                "secret.granted", grant.secretId(), JsonObject.of("agentId", agentId.toString(),
                                        "origin", origin.wire())))
                        .collect().last());
    }

    /**
     * Applies the grant rules to an env being written (after its references were checked to name secrets of the
     * company): an operator's references to secrets the env did not refer to before grant them to the agent; an
     * agent's references must all name secrets the env's agent holds a grant for.
     *
     * @param previous ids of the secrets the env referred to before this write
     * @param refs variable name to secret id, in the order of the env
     * @throws AccessDeniedException for an agent, naming the first variable whose secret is not granted
     */
    public Uni<Void> authorizeEnv(SqlClient tx, Caller caller, UUID companyId, UUID agentId, Set<UUID> previous,
            Map<String, UUID> refs) {
        if (caller.isAdmin()) {
            Set<UUID> added = new LinkedHashSet<>(refs.values());
            added.removeAll(previous);
            return grantAll(tx, Actor.of(caller), companyId, agentId, added, GrantOrigin.ENV_REFERENCE)
                    .replaceWithVoid();
        }
        if (refs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return grants.granted(tx, agentId, new LinkedHashSet<>(refs.values()))
                .invoke(granted -> refs.forEach((variable, secretId) -> {
                    if (!granted.contains(secretId)) {
                        throw new AccessDeniedException("Environment variable '" + variable + "' refers to secret "
                                + secretId + ", which agent " + agentId + " holds no grant for; it needs a grant "
                                + "from an operator (PUT /api/secrets/" + secretId + "/grants/" + agentId + ") before "
                                + "an agent may refer to it");
                    }
                }))
                .replaceWithVoid();
    }

    /** Which of {@code secretIds} the caller may read through an env: all for operators, the granted ones for agents. */
    public Uni<Set<UUID>> readable(SqlClient client, Caller caller, Set<UUID> secretIds) {
        if (caller.isAdmin() || secretIds.isEmpty()) {
            return Uni.createFrom().item(caller.isAdmin() ? secretIds : Set.of());
        }
        return grants.granted(client, caller.agentId().orElseThrow(), secretIds);
    }

    private Uni<Secret> requireSecretAndAgent(SqlClient tx, Caller caller, UUID secretId, UUID agentId) {
        return secrets.find(tx, secretId, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("secret", secretId))
                .call(secret -> agents.existsInCompany(tx, secret.companyId(), agentId)
                        .invoke(exists -> {
                            if (!exists) {
                                throw new EntityNotFoundException("agent", agentId);
                            }
                        }));
    }
}
