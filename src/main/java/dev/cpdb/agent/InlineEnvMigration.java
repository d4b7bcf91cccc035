package dev.cpdb.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.activity.ActivityRepository;
import dev.cpdb.activity.Actor;
import dev.cpdb.agent.grant.GrantOrigin;
import dev.cpdb.agent.grant.SecretGrantService;
import dev.cpdb.database.Database;
import dev.cpdb.secret.SecretRepository;
import dev.cpdb.secret.SecretService;
import dev.cpdb.secret.SensitiveNames;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Moves inline agent environment values under sensitive-looking names into company secrets, replacing each with a
 * reference to the new secret that the agent is granted: one transaction per agent, so an agent is either fully moved
 * or untouched. Values are never printed or logged; plans name only agents, variables and secret names.
 */
@ApplicationScoped
public class InlineEnvMigration {

    private final Database database;
    private final AgentRepository agents;
    private final SecretRepository secrets;
    private final SecretService secretService;
    private final ActivityRepository activity;
    private final SecretGrantService grants;

    public InlineEnvMigration(Database database, AgentRepository agents, SecretRepository secrets,
            SecretService secretService, ActivityRepository activity, SecretGrantService grants) {
        this.database = database;
        this.agents = agents;
        this.secrets = secrets;
        this.secretService = secretService;
        this.activity = activity;
        this.grants = grants;
    }

    /** One agent whose environment has sensitive inline values, and the names of those variables. */
    public record Candidate(Agent agent, List<String> variables) {
    }

    /** A variable moved into a secret. */
    public record Moved(String variable, String secretName) {
    }

    /** The next agents (after {@code after}, in id order) whose environment holds sensitive inline values. */
    public Uni<List<Candidate>> candidates(UUID after, int limit) {
        return agents.withInlineEnv(database.pool(), after, limit)
                .onItem().transform(found -> found.stream()
                        .map(agent -> new Candidate(agent, sensitiveInline(AgentEnv.of(agent.adapterConfig()))))
                        .toList());
    }

    /**
     * Moves the agent's sensitive inline values (as they are when the transaction locks the agent) into new secrets.
     *
     * @return what was moved; empty when nothing was left to move
     */
    public Uni<List<Moved>> apply(UUID agentId) {
        return database.pool().withTransaction(tx -> agents.lock(tx, agentId, null)
                .chain(found -> found.isEmpty() ? Uni.createFrom().item(List.<Moved>of()) : move(tx, found.get())));
    }

    private Uni<List<Moved>> move(SqlClient tx, Agent agent) {
        AgentEnv env = AgentEnv.of(agent.adapterConfig());
        List<String> variables = sensitiveInline(env);
        if (variables.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Map<String, AgentEnv.Entry> entries = new LinkedHashMap<>(env.entries());
        List<Moved> moved = new ArrayList<>();
        return Multi.createFrom().iterable(variables)
                .onItem().transformToUniAndConcatenate(variable -> moveOne(tx, agent, entries, variable))
                .invoke(moved::add)
                .collect().last()
                .chain(() -> store(tx, agent, new AgentEnv(entries), moved))
                .replaceWith(moved);
    }

    private Uni<Moved> moveOne(SqlClient tx, Agent agent, Map<String, AgentEnv.Entry> entries, String variable) {
        String value = entries.get(variable).value();
        return freeName(tx, agent, variable, 1)
                .chain(name -> secretService.create(tx, Actor.system(), agent.companyId(), name,
                        "Moved from the inline environment of agent " + agent.name(), value)
                        .invoke(secret -> entries.put(variable, new AgentEnv.Entry(variable, null, secret.id(), null)))
                        .replaceWith(new Moved(variable, name)));
    }

    /** {@code VARIABLE}, else {@code agent-name.VARIABLE}, else with a counter: a name the company does not use. */
    private Uni<String> freeName(SqlClient tx, Agent agent, String variable, int attempt) {
        String name = switch (attempt) {
            case 1 -> variable;
            case 2 -> slug(agent.name()) + "." + variable;
            default -> slug(agent.name()) + "." + variable + "-" + attempt;
        };
        return secrets.nameTaken(tx, agent.companyId(), name)
                .chain(taken -> taken ? freeName(tx, agent, variable, attempt + 1) : Uni.createFrom().item(name));
    }

    private Uni<Void> store(SqlClient tx, Agent agent, AgentEnv env, List<Moved> moved) {
        AgentRepository.Values values = new AgentRepository.Values(agent.name(), agent.role(), agent.status(),
                agent.adapterType(), env.into(agent.adapterConfig()));
        return agents.update(tx, agent.id(), values)
                .call(() -> agents.replaceSecretRefs(tx, agent.companyId(), agent.id(), env.secretIds()))
                .call(() -> grants.grantAll(tx, Actor.system(), agent.companyId(), agent.id(), movedSecretIds(env,
                        moved), GrantOrigin.INLINE_ENV_MIGRATION))
                .call(() -> activity.append(tx, Actor.system(), agent.companyId(), "agent.updated", agent.id(),
                        JsonObject.of("changed", List.of("adapterConfig"), "movedToSecrets",
                                moved.stream().map(Moved::variable).toList())))
                .replaceWithVoid();
    }

    private static Set<UUID> movedSecretIds(AgentEnv env, List<Moved> moved) {
        Set<UUID> ids = new LinkedHashSet<>();
        moved.forEach(one -> ids.add(env.entries().get(one.variable()).secretId()));
        return ids;
    }

    private static List<String> sensitiveInline(AgentEnv env) {
        return env.entries().values().stream()
                .filter(AgentEnv.Entry::inline)
                .map(AgentEnv.Entry::name)
                .filter(SensitiveNames::looksSensitive)
                .toList();
    }

    /** An agent name reduced to the characters secret names allow. */
    static String slug(String name) {
        String slug = name.replaceAll("[^A-Za-z0-9_.-]+", "-").replaceAll("^[^A-Za-z_]+", "");
        return slug.isEmpty() ? "agent" : slug.substring(0, Math.min(slug.length(), 60));
    }
}
