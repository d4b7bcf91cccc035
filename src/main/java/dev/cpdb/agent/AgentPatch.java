package dev.cpdb.agent;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.PatchBody;

/**
 * Body of {@code PATCH /api/agents/{id}}: fields left out stay unchanged; {@code adapterConfig} replaces the whole
 * configuration. Limits are in {@link AgentFields}.
 */
@Schema(description = "Fields to change; adapterConfig replaces the whole configuration")
public final class AgentPatch extends PatchBody {

    private String name;
    private String role;
    private AgentStatus status;
    private String adapterType;
    private Map<String, Object> adapterConfig;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
        mark("name", name);
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
        mark("role", role);
    }

    @Schema(description = "Agents may pause an agent of their company and resume a colleague, terminate only "
            + "themselves and never change a terminated agent; operators may make every change")
    public AgentStatus getStatus() {
        return status;
    }

    public void setStatus(AgentStatus status) {
        this.status = status;
        mark("status", status);
    }

    public String getAdapterType() {
        return adapterType;
    }

    public void setAdapterType(String adapterType) {
        this.adapterType = adapterType;
        mark("adapterType", adapterType);
    }

    @Schema(description = AgentCreate.ADAPTER_CONFIG_LIMITS)
    public Map<String, Object> getAdapterConfig() {
        return adapterConfig;
    }

    public void setAdapterConfig(Map<String, Object> adapterConfig) {
        this.adapterConfig = adapterConfig;
        mark("adapterConfig", adapterConfig);
    }
}
