package dev.cpdb.agent;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.auth.BearerAuthenticator;
import dev.cpdb.auth.Caller;
import dev.cpdb.database.Database;
import io.smallrye.mutiny.Uni;

/**
 * Recognizes agent API keys: looks up the key's SHA-256 among live keys and makes the caller that agent, confined to
 * its company. Tokens that cannot be agent keys are not looked up at all.
 */
@ApplicationScoped
public class AgentKeyAuthenticator implements BearerAuthenticator {

    private final Database database;
    private final AgentKeyRepository keys;

    public AgentKeyAuthenticator(Database database, AgentKeyRepository keys) {
        this.database = database;
        this.keys = keys;
    }

    @Override
    public Uni<Optional<Caller>> authenticate(String token) {
        if (!ApiKeys.plausible(token)) {
            return Uni.createFrom().item(Optional.empty());
        }
        return keys.authenticate(database.pool(), ApiKeys.hash(token))
                .onItem().transform(owner -> owner.map(found -> Caller.agent(found.companyId(), found.agentId())));
    }
}
