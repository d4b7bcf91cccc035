package dev.cpdb.agent;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.FreeFormJson;

/**
 * Body of {@code POST /api/companies/{companyId}/agents}; limits and required fields are in {@link AgentFields}.
 */
public record AgentCreate(
        String name,
        @Schema(examples = "engineer") String role,
        @Schema(description = "Default active") AgentStatus status,
        @Schema(examples = "process") String adapterType,
        @Schema(description = "Adapter settings (default {}); see Agent.adapterConfig for 'env'. "
                + ADAPTER_CONFIG_LIMITS) Map<String, Object> adapterConfig) {

    /** The limits of {@code adapterConfig}, for the API description. */
    static final String ADAPTER_CONFIG_LIMITS = "Free-form JSON nested at most " + FreeFormJson.MAX_DEPTH
            + " levels, with at most " + FreeFormJson.MAX_ENTRIES + " members and elements in all and at most "
            + FreeFormJson.MAX_BYTES + " bytes as compact JSON";
}
