package dev.cpdb.agent.grant;

import com.fasterxml.jackson.annotation.JsonValue;

import dev.cpdb.api.WireValue;

/**
 * How a secret grant came about: granted explicitly by an operator, implied by a reference an operator wrote into
 * the agent's env, created by {@code secrets migrate-inline-env}, or carried over from a reference that existed before
 * grants did.
 */
public enum GrantOrigin implements WireValue {
    GRANT,
    ENV_REFERENCE,
    INLINE_ENV_MIGRATION,
    EXISTING_REFERENCE;

    /** The word on the wire and in the database; declared here so that schema generators see it. */
    @Override
    @JsonValue
    public String wire() {
        return WireValue.super.wire();
    }
}
