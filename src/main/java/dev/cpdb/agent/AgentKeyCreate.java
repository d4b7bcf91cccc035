package dev.cpdb.agent;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/agents/{id}/keys}; its limits are in {@link AgentFields}.
 */
public record AgentKeyCreate(
        @Schema(examples = "ci runner") String name) {
}
