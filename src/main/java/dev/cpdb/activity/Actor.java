package dev.cpdb.activity;

import java.util.UUID;

import dev.cpdb.auth.Caller;

/**
 * Who did a write, as recorded in the activity log: an operator (admin token), an agent (with its id) or the system
 * (command-line maintenance).
 */
public record Actor(Type type, UUID id) {

    /** Kinds of actors; the lower-case name is stored. */
    public enum Type {
        OPERATOR,
        AGENT,
        SYSTEM;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The actor behind an authenticated request. */
    public static Actor of(Caller caller) {
        return caller.isAdmin() ? new Actor(Type.OPERATOR, null)
                : new Actor(Type.AGENT, caller.agentId().orElseThrow());
    }

    /** Maintenance run from the command line. */
    public static Actor system() {
        return new Actor(Type.SYSTEM, null);
    }
}
