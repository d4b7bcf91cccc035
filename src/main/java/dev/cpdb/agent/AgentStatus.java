package dev.cpdb.agent;

import com.fasterxml.jackson.annotation.JsonValue;

import dev.cpdb.api.WireValue;

/**
 * Life cycle of an agent. A terminated agent's API keys stop working; {@link AgentLifecycle} decides who may move
 * an agent from one status to another.
 */
public enum AgentStatus implements WireValue {
    ACTIVE,
    PAUSED,
    TERMINATED;

    /** The word on the wire and in the database; declared here so that schema generators see it. */
    @Override
    @JsonValue
    public String wire() {
        return WireValue.super.wire();
    }
}
