package dev.cpdb.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.activity.ActivityRepository;
import dev.cpdb.activity.Actor;
import dev.cpdb.agent.grant.SecretGrantService;
import dev.cpdb.api.Access;
import dev.cpdb.api.FreeFormJson;
import dev.cpdb.api.Ids;
import dev.cpdb.api.Input;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Reads;
import dev.cpdb.api.field.CheckedPatch;
import dev.cpdb.auth.Caller;
import dev.cpdb.company.CompanyRepository;
import dev.cpdb.database.Database;
import dev.cpdb.problem.EntityNotFoundException;
import dev.cpdb.problem.UnprocessableException;
import dev.cpdb.secret.SecretRepository;
import dev.cpdb.secret.SecretService;
import dev.cpdb.secret.SecretsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Rules and transactions for agents and their API keys. Operators and agents of the company manage agents, within
 * the status and deletion rules of {@link AgentLifecycle}; only operators manage keys. An agent's adapter
 * configuration is free-form JSON within the limits of {@link FreeFormJson}. Its environment may refer to company
 * secrets, which must exist and, when an agent writes the env, be granted to the env's agent; in strict mode new
 * inline values under sensitive-looking names are refused.
 */
@ApplicationScoped
public class AgentService {

    private final Database database;
    private final Reads reads;
    private final AgentRepository agents;
    private final AgentKeyRepository keys;
    private final CompanyRepository companies;
    private final SecretService secrets;
    private final ActivityRepository activity;
    private final dev.cpdb.settings.InstanceSettings settings;
    private final SecretGrantService grants;

    public AgentService(Database database, AgentRepository agents, AgentKeyRepository keys,
            CompanyRepository companies, SecretService secrets, ActivityRepository activity,
            dev.cpdb.settings.InstanceSettings settings, SecretGrantService grants, Reads reads) {
        this.reads = reads;
        this.database = database;
        this.agents = agents;
        this.keys = keys;
        this.companies = companies;
        this.secrets = secrets;
        this.activity = activity;
        this.settings = settings;
        this.grants = grants;
    }

    public Uni<Agent> create(Caller caller, UUID companyId, AgentCreate body) {
        Access.requireCompany(caller, companyId);
        Input.body(body);
        AgentRepository.Values values = new AgentRepository.Values(
                AgentFields.NAME.created(body.name()),
                AgentFields.ROLE.created(body.role()),
                AgentFields.STATUS.created(body.status()),
                AgentFields.ADAPTER_TYPE.created(body.adapterType()),
                AgentFields.ADAPTER_CONFIG.created(body.adapterConfig()));
        AgentEnv env = AgentEnv.of(values.adapterConfig());
        refuseSensitiveInline(env, AgentEnv.empty());
        UUID id = Ids.next();
        return database.pool().withTransaction(tx -> companies.requireExists(tx, companyId)
                .call(ignored -> secrets.checkRefs(tx, companyId, refs(env)))
                .chain(ignored -> agents.insert(tx, id, companyId, values))
                .call(agent -> agents.replaceSecretRefs(tx, companyId, id, env.secretIds()))
                .call(agent -> grants.authorizeEnv(tx, caller, companyId, id, Set.of(), secretIdsByVariable(env)))
                .call(agent -> activity.append(tx, Actor.of(caller), companyId, "agent.created", id,
                        JsonObject.of("name", agent.name(), "role", agent.role(), "envVariables",
                                List.copyOf(env.entries().keySet())))));
    }

    public Uni<Agent> get(Caller caller, UUID id) {
        return agents.find(reads.client(caller), id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("agent", id));
    }

    public Uni<Page<Agent>> list(Caller caller, UUID companyId, AgentStatus status, PageRequest page) {
        Access.requireCompany(caller, companyId);
        SqlClient client = reads.client(caller);
        return companies.rowsOfExisting(client, companyId, agents.list(client, companyId, status, page))
                .onItem().transform(rows -> Page.of(rows, page, Agent::id));
    }

    public Uni<Agent> update(Caller caller, UUID id, AgentPatch body) {
        CheckedPatch<Agent> patch = CheckedPatch.of(body, AgentFields.ALL);
        return database.pool().withTransaction(tx -> agents.lock(tx, id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("agent", id))
                .chain(current -> applyPatch(tx, caller, patch.onto(current))));
    }

    private Uni<Agent> applyPatch(SqlClient tx, Caller caller, CheckedPatch.Merged<Agent> merged) {
        Agent current = merged.current();
        AgentEnv previousEnv = AgentEnv.of(current.adapterConfig());
        AgentRepository.Values values = new AgentRepository.Values(
                merged.value(AgentFields.NAME),
                merged.value(AgentFields.ROLE),
                merged.value(AgentFields.STATUS),
                merged.value(AgentFields.ADAPTER_TYPE),
                merged.value(AgentFields.ADAPTER_CONFIG));
        AgentEnv env = AgentEnv.of(values.adapterConfig());
        refuseSensitiveInline(env, previousEnv);
        List<String> changed = merged.changed();
        if (changed.isEmpty()) {
            return Uni.createFrom().item(current);
        }
        AgentLifecycle.checkChange(caller, current, values.status());
        return secrets.checkRefs(tx, current.companyId(), refs(env))
                .chain(() -> agents.update(tx, current.id(), values))
                .call(agent -> agents.replaceSecretRefs(tx, current.companyId(), current.id(), env.secretIds()))
                .call(agent -> changed.contains("adapterConfig")
                        ? grants.authorizeEnv(tx, caller, current.companyId(), current.id(), previousEnv.secretIds(),
                                secretIdsByVariable(env))
                        : Uni.createFrom().voidItem())
                .call(agent -> activity.append(tx, Actor.of(caller), current.companyId(), "agent.updated",
                        current.id(), JsonObject.of("changed", changed, "status", agent.status().wire())));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return database.pool().withTransaction(tx -> agents.lock(tx, id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("agent", id))
                .invoke(agent -> AgentLifecycle.checkDelete(caller, agent))
                .call(agent -> agents.delete(tx, id))
                .call(agent -> activity.append(tx, Actor.of(caller), agent.companyId(), "agent.deleted", id,
                        JsonObject.of("name", agent.name())))
                .replaceWithVoid());
    }

    /**
     * The agent's environment with secret references replaced by their values, as far as the caller may read them:
     * operators every secret, an agent of the company (the env's own agent or another) only secrets it holds a grant
     * for; the other references are listed as withheld. Inline values are returned to every caller that may see the
     * agent, as the agent record shows them too.
     */
    public Uni<ResolvedEnv> resolvedEnv(Caller caller, UUID id) {
        return agents.find(database.pool(), id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("agent", id))
                .chain(agent -> resolve(caller, agent));
    }

    private Uni<ResolvedEnv> resolve(Caller caller, Agent agent) {
        AgentEnv env = AgentEnv.of(agent.adapterConfig());
        return grants.readable(database.pool(), caller, env.secretIds())
                .chain(readable -> resolveReadable(agent, env, readable));
    }

    private Uni<ResolvedEnv> resolveReadable(Agent agent, AgentEnv env, Set<UUID> readableSecrets) {
        Map<String, SecretRepository.SecretRef> allowed = refs(env);
        allowed.values().removeIf(ref -> !readableSecrets.contains(ref.secretId()));
        return secrets.resolve(database.pool(), agent.companyId(), allowed)
                .onItem().transform(values -> merge(env, allowed.keySet(), values));
    }

    private static ResolvedEnv merge(AgentEnv env, Set<String> readable, Map<String, String> secretValues) {
        Map<String, String> values = new TreeMap<>();
        Map<String, ResolvedEnv.Withheld> withheld = new TreeMap<>();
        env.entries().forEach((name, entry) -> {
            if (entry.inline()) {
                values.put(name, entry.value());
            } else if (!readable.contains(name)) {
                withheld.put(name, new ResolvedEnv.Withheld(name, entry.secretId()));
            } else if (secretValues.containsKey(name)) {
                values.put(name, secretValues.get(name));
            }
        });
        return new ResolvedEnv(values, List.copyOf(withheld.values()));
    }

    // --- API keys ---------------------------------------------------------------------------------------------

    public Uni<AgentKeyCreated> createKey(Caller caller, UUID agentId, AgentKeyCreate body) {
        Input.body(body);
        String name = AgentFields.KEY_NAME.created(body.name());
        String key = ApiKeys.generate();
        UUID id = Ids.next();
        return database.pool().withTransaction(tx -> agents.lock(tx, agentId, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("agent", agentId))
                .chain(agent -> keys.insert(tx, id, agent.companyId(), agentId, name, ApiKeys.hash(key),
                        key.substring(0, ApiKeys.VISIBLE))
                        .call(created -> activity.append(tx, Actor.of(caller), agent.companyId(),
                                "agent_api_key.created", id, JsonObject.of("agentId", agentId.toString(), "name",
                                        name, "keyPrefix", created.keyPrefix()))))
                .onItem().transform(created -> new AgentKeyCreated(created, key)));
    }

    public Uni<List<AgentKey>> listKeys(Caller caller, UUID agentId) {
        return get(caller, agentId)
                .chain(agent -> keys.list(reads.client(caller), agentId));
    }

    public Uni<Void> revokeKey(Caller caller, UUID agentId, UUID keyId) {
        return database.pool().withTransaction(tx -> agents.find(tx, agentId, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("agent", agentId))
                .chain(agent -> keys.find(tx, agentId, keyId)
                        .onItem().transform(found -> found.orElseThrow(
                                () -> new EntityNotFoundException("API key", keyId)))
                        .chain(key -> key.revokedAt() != null ? Uni.createFrom().voidItem()
                                : revoke(tx, caller, agent, key))));
    }

    private Uni<Void> revoke(SqlClient tx, Caller caller, Agent agent, AgentKey key) {
        return keys.revoke(tx, key.id())
                .call(revoked -> activity.append(tx, Actor.of(caller), agent.companyId(), "agent_api_key.revoked",
                        key.id(), JsonObject.of("agentId", agent.id().toString(), "keyPrefix", key.keyPrefix())))
                .replaceWithVoid();
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private void refuseSensitiveInline(AgentEnv env, AgentEnv previous) {
        if (!Boolean.parseBoolean(settings.value(SecretsConfig.STRICT_MODE_SETTING))) {
            return;
        }
        List<String> refused = env.newSensitiveInlineValues(previous);
        if (!refused.isEmpty()) {
            throw new UnprocessableException("Environment variable '" + refused.get(0) + "' looks sensitive and "
                    + "secrets strict mode is on (CPDB_SECRETS_STRICT_MODE): store the value as a company secret and "
                    + "refer to it as {\"secretId\": \"...\"} instead of an inline value");
        }
    }

    private static Map<String, SecretRepository.SecretRef> refs(AgentEnv env) {
        Map<String, SecretRepository.SecretRef> refs = new LinkedHashMap<>();
        env.entries().forEach((name, entry) -> {
            if (!entry.inline()) {
                refs.put(name, new SecretRepository.SecretRef(entry.secretId(), entry.version()));
            }
        });
        return refs;
    }

    private static Map<String, UUID> secretIdsByVariable(AgentEnv env) {
        Map<String, UUID> ids = new LinkedHashMap<>();
        refs(env).forEach((name, ref) -> ids.put(name, ref.secretId()));
        return ids;
    }
}
