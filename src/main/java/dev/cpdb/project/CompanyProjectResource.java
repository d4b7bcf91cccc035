package dev.cpdb.project;

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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.api.Ids;
import dev.cpdb.api.Input;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/companies/{companyId}/projects}: a company's projects.
 */
@Path("/api/companies/{companyId}/projects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Projects")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class CompanyProjectResource {

    private final ProjectService service;
    private final CurrentCaller caller;

    public CompanyProjectResource(ProjectService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Project.class)))
    @Operation(operationId = "createProject", summary = "Create a project in the company")
    public Uni<Project> create(@PathParam("companyId") String companyId, ProjectCreate body) {
        return service.create(caller.get(), Ids.parse("company id", companyId), body);
    }

    @GET
    @Operation(operationId = "listProjects", summary = "List the company's projects, newest first")
    public Uni<Page<Project>> list(@PathParam("companyId") String companyId,
            @Parameter(description = "Only projects with this status") @QueryParam("status") String status,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return service.list(caller.get(), Ids.parse("company id", companyId),
                Input.queryEnum("status", status, ProjectStatus.class), PageRequest.of(cursor, limit));
    }
}
