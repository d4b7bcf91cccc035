package dev.cpdb.agent;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFilter;

import dev.cpdb.api.field.BodyField;
import dev.cpdb.api.field.FieldDocumentation;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The fields of an agent and of an API key in request bodies, each defined once for the service's checks and the API
 * description.
 */
final class AgentFields {

    static final BodyField<Agent, String> NAME = BodyField.text("name", Agent::name, 1, 200);
    static final BodyField<Agent, String> ROLE = BodyField.text("role", Agent::role, 1, 100);
    static final BodyField<Agent, AgentStatus> STATUS = BodyField.choice("status", Agent::status, AgentStatus.ACTIVE);
    static final BodyField<Agent, String> ADAPTER_TYPE = BodyField.text("adapterType", Agent::adapterType, 1, 100);

    /** Free-form, except for its {@code env}, which is checked and stored in canonical form (see {@link AgentEnv}). */
    static final BodyField<Agent, Map<String, Object>> ADAPTER_CONFIG = BodyField
            .freeForm("adapterConfig", Agent::adapterConfig)
            .then(config -> AgentEnv.of(config).into(config));

    /** Every field of an agent, in the order errors are reported and changes listed. */
    static final List<BodyField<Agent, ?>> ALL = List.of(NAME, ROLE, STATUS, ADAPTER_TYPE, ADAPTER_CONFIG);

    static final BodyField<AgentKey, String> KEY_NAME = BodyField.text("name", AgentKey::name, 1, 100);

    private AgentFields() {
    }

    /** The limits of agent and API key bodies in {@code /q/openapi}. */
    // Quarkus runs an annotated filter only when the class itself names OASFilter among its interfaces.
    @OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
    public static final class Documentation extends FieldDocumentation implements OASFilter {

        public Documentation() {
            super(creation("AgentCreate", ALL), patch("AgentPatch", ALL),
                    creation("AgentKeyCreate", List.of(KEY_NAME)));
        }
    }
}
