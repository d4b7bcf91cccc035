package dev.cpdb.secret;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.api.Ids;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/companies/{companyId}/secrets}: list a company's secrets' metadata (never values), create one
 * (operators only).
 */
@Path("/api/companies/{companyId}/secrets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Secrets")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class CompanySecretResource {

    private final SecretService service;
    private final CurrentCaller caller;

    public CompanySecretResource(SecretService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Secured
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Secret.class)))
    @Operation(operationId = "createSecret", summary = "Create a secret; its value becomes version 1, encrypted at rest "
            + "(operators only)")
    public Uni<Secret> create(@PathParam("companyId") String companyId, SecretCreate body) {
        return service.create(caller.get(), Ids.parse("company id", companyId), body);
    }

    @GET
    @Operation(operationId = "listSecrets", summary = "List the company's secrets, newest first (metadata only)")
    public Uni<Page<Secret>> list(@PathParam("companyId") String companyId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {
        return service.list(caller.get(), Ids.parse("company id", companyId), PageRequest.of(cursor, limit));
    }
}
