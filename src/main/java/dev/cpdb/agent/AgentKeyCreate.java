package dev.cpdb.agent;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/agents/{id}/keys}.
 */
public record AgentKeyCreate(
        @Schema(required = true, minLength = 1, maxLength = 100, examples = "ci runner") String name) {
}
