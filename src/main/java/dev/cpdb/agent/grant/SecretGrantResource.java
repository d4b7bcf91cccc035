package dev.cpdb.agent.grant;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.api.Ids;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/secrets/{id}/grants}: which agents may read a secret through an agent env; operators only.
 */
@Path("/api/secrets/{id}/grants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Secrets")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured
public class SecretGrantResource {

    private final SecretGrantService service;
    private final CurrentCaller caller;

    public SecretGrantResource(SecretGrantService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "listSecretGrants", summary = "List the agents that hold a grant for the secret, oldest "
            + "grant first (operators only)")
    public Uni<List<SecretGrant>> list(@PathParam("id") String id) {
        return service.list(caller.get(), Ids.parse("secret id", id));
    }

    @PUT
    @Path("{agentId}")
    @APIResponse(responseCode = "201", description = "Granted", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SecretGrant.class)))
    @APIResponse(responseCode = "204", description = "The agent already held a grant; nothing changed")
    @Operation(operationId = "grantSecret", summary = "Let an agent of the secret's company read the secret through "
            + "an agent env (operators only)")
    public Uni<RestResponse<SecretGrant>> grant(@PathParam("id") String id, @PathParam("agentId") String agentId) {
        return service.grant(caller.get(), Ids.parse("secret id", id), Ids.parse("agent id", agentId))
                .onItem().transform(created -> created
                        .map(grant -> RestResponse.status(Response.Status.CREATED, grant))
                        .orElseGet(RestResponse::noContent));
    }

    @DELETE
    @Path("{agentId}")
    @ResponseStatus(204)
    @Operation(operationId = "revokeSecretGrant", summary = "Revoke an agent's grant; its env entries referring to "
            + "the secret are withheld from it from now on (operators only)")
    public Uni<Void> revoke(@PathParam("id") String id, @PathParam("agentId") String agentId) {
        return service.revoke(caller.get(), Ids.parse("secret id", id), Ids.parse("agent id", agentId));
    }
}
