package dev.cpdb.project;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.api.Ids;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/projects/{id}}: one project.
 */
@Path("/api/projects/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Projects")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class ProjectResource {

    private final ProjectService service;
    private final CurrentCaller caller;

    public ProjectResource(ProjectService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "getProject", summary = "Get a project")
    public Uni<Project> get(@PathParam("id") String id) {
        return service.get(caller.get(), Ids.parse("project id", id));
    }

    @PATCH
    @Operation(operationId = "updateProject", summary = "Change a project")
    public Uni<Project> update(@PathParam("id") String id, ProjectPatch body) {
        return service.update(caller.get(), Ids.parse("project id", id), body);
    }

    @DELETE
    @ResponseStatus(204)
    @Operation(operationId = "deleteProject", summary = "Delete a project that no issue or goal belongs to any more")
    public Uni<Void> delete(@PathParam("id") String id) {
        return service.delete(caller.get(), Ids.parse("project id", id));
    }
}
