package dev.cpdb.agent;

import dev.cpdb.api.WireValue;

/**
 * Life cycle of an agent. A terminated agent's API keys stop working.
 */
public enum AgentStatus implements WireValue {
    ACTIVE,
    PAUSED,
    TERMINATED
}
