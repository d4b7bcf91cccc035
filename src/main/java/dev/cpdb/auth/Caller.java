package dev.cpdb.auth;

import java.util.Optional;
import java.util.UUID;

/**
 * Who made a request: an operator (admin token) or an agent of one company (agent API key).
 */
public record Caller(Kind kind, Optional<UUID> companyId, Optional<UUID> agentId) {

    /** Kinds of callers. */
    public enum Kind {
        ADMIN,
        AGENT
    }

    /** The operator. */
    public static Caller admin() {
        return new Caller(Kind.ADMIN, Optional.empty(), Optional.empty());
    }

    /** An agent acting for its company. */
    public static Caller agent(UUID companyId, UUID agentId) {
        return new Caller(Kind.AGENT, Optional.of(companyId), Optional.of(agentId));
    }

    public boolean isAdmin() {
        return kind == Kind.ADMIN;
    }
}
