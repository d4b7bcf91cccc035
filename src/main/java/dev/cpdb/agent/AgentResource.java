package dev.cpdb.agent;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import dev.cpdb.agent.grant.SecretGrant;
import dev.cpdb.agent.grant.SecretGrantService;
import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.api.Ids;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/agents/{id}}: one agent, its resolved environment, its secret grants and (for operators) its API keys.
 */
@Path("/api/agents/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Agents")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class AgentResource {

    private final AgentService service;
    private final SecretGrantService grants;
    private final CurrentCaller caller;

    public AgentResource(AgentService service, SecretGrantService grants, CurrentCaller caller) {
        this.service = service;
        this.grants = grants;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "getAgent", summary = "Get an agent")
    public Uni<Agent> get(@PathParam("id") String id) {
        return service.get(caller.get(), Ids.parse("agent id", id));
    }

    @PATCH
    @Operation(operationId = "updateAgent", summary = "Change an agent; adapterConfig replaces the whole configuration")
    public Uni<Agent> update(@PathParam("id") String id, AgentPatch body) {
        return service.update(caller.get(), Ids.parse("agent id", id), body);
    }

    @DELETE
    @ResponseStatus(204)
    @Operation(operationId = "deleteAgent", summary = "Delete an agent that no issue or comment names any more "
            + "(its keys go with it)")
    public Uni<Void> delete(@PathParam("id") String id) {
        return service.delete(caller.get(), Ids.parse("agent id", id));
    }

    @GET
    @Path("env")
    @Operation(operationId = "getAgentEnv", summary = "The agent's env with secret references resolved: all of them "
            + "for operators, for agents of the company only secrets they hold a grant for (the others are listed as "
            + "withheld)")
    public Uni<ResolvedEnv> env(@PathParam("id") String id) {
        return service.resolvedEnv(caller.get(), Ids.parse("agent id", id));
    }

    @GET
    @Path("secret-grants")
    @Operation(operationId = "listAgentSecretGrants", summary = "The secrets the agent holds a grant for, oldest grant "
            + "first: an agent may list its own, operators any agent's")
    public Uni<List<SecretGrant>> secretGrants(@PathParam("id") String id) {
        return grants.ofAgent(caller.get(), Ids.parse("agent id", id));
    }

    @POST
    @Path("keys")
    @Secured
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AgentKeyCreated.class)))
    @Operation(operationId = "createAgentKey", summary = "Create an API key for the agent; the key is shown only in "
            + "this answer (operators only)")
    public Uni<AgentKeyCreated> createKey(@PathParam("id") String id, AgentKeyCreate body) {
        return service.createKey(caller.get(), Ids.parse("agent id", id), body);
    }

    @GET
    @Path("keys")
    @Secured
    @Operation(operationId = "listAgentKeys", summary = "List the agent's API keys, without the keys (operators only)")
    public Uni<List<AgentKey>> listKeys(@PathParam("id") String id) {
        return service.listKeys(caller.get(), Ids.parse("agent id", id));
    }

    @DELETE
    @Path("keys/{keyId}")
    @Secured
    @ResponseStatus(204)
    @Operation(operationId = "revokeAgentKey", summary = "Revoke an API key; it stops working at once (operators "
            + "only)")
    public Uni<Void> revokeKey(@PathParam("id") String id, @PathParam("keyId") String keyId) {
        return service.revokeKey(caller.get(), Ids.parse("agent id", id), Ids.parse("key id", keyId));
    }
}
