package dev.cpdb.agent;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /api/companies/{companyId}/agents}.
 */
public record AgentCreate(
        @Schema(required = true, minLength = 1, maxLength = 200) String name,
        @Schema(required = true, minLength = 1, maxLength = 100, examples = "engineer") String role,
        @Schema(description = "Default active") AgentStatus status,
        @Schema(required = true, minLength = 1, maxLength = 100, examples = "process") String adapterType,
        @Schema(description = "Adapter settings (default {}); see Agent.adapterConfig for 'env'") Map<String, Object> adapterConfig) {
}
