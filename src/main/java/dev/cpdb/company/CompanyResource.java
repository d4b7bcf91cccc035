package dev.cpdb.company;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
 * {@code /api/companies}: operators manage companies; an agent reads its own.
 */
@Path("/api/companies")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Companies")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class CompanyResource {

    private final CompanyService service;
    private final CurrentCaller caller;

    public CompanyResource(CompanyService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Secured
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Company.class)))
    @Operation(operationId = "createCompany", summary = "Create a company (operators only)")
    public Uni<Company> create(CompanyCreate body) {
        return service.create(caller.get(), body);
    }

    @GET
    @Operation(operationId = "listCompanies", summary = "List companies, newest first (an agent sees only its own)")
    public Uni<Page<Company>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return service.list(caller.get(), PageRequest.of(cursor, limit));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getCompany", summary = "Get a company")
    public Uni<Company> get(@PathParam("id") String id) {
        return service.get(caller.get(), Ids.parse("company id", id));
    }

    @PATCH
    @Path("{id}")
    @Secured
    @Operation(operationId = "updateCompany", summary = "Rename a company (operators only)")
    public Uni<Company> update(@PathParam("id") String id, CompanyPatch body) {
        return service.update(caller.get(), Ids.parse("company id", id), body);
    }

    @DELETE
    @Path("{id}")
    @Secured
    @ResponseStatus(204)
    @Operation(operationId = "deleteCompany", summary = "Delete a company that no longer owns any record (operators only)")
    public Uni<Void> delete(@PathParam("id") String id) {
        return service.delete(caller.get(), Ids.parse("company id", id));
    }
}
