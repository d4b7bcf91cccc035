package dev.cpdb.goal;

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
 * {@code /api/companies/{companyId}/goals}: a company's goals.
 */
@Path("/api/companies/{companyId}/goals")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Goals")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class CompanyGoalResource {

    private final GoalService service;
    private final CurrentCaller caller;

    public CompanyGoalResource(GoalService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Goal.class)))
    @Operation(operationId = "createGoal", summary = "Create a goal in the company")
    public Uni<Goal> create(@PathParam("companyId") String companyId, GoalCreate body) {
        return service.create(caller.get(), Ids.parse("company id", companyId), body);
    }

    @GET
    @Operation(operationId = "listGoals", summary = "List the company's goals, newest first")
    public Uni<Page<Goal>> list(@PathParam("companyId") String companyId,
            @Parameter(description = "Only goals with this status") @QueryParam("status") String status,
            @Parameter(description = "Only direct sub-goals of this goal") @QueryParam("parentId") String parentId,
            @Parameter(description = "Only goals of this project") @QueryParam("projectId") String projectId,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        GoalFilter filter = new GoalFilter(
                Input.queryEnum("status", status, GoalStatus.class),
                parentId == null || parentId.isEmpty() ? null : Ids.parse("parentId", parentId),
                projectId == null || projectId.isEmpty() ? null : Ids.parse("projectId", projectId));
        return service.list(caller.get(), Ids.parse("company id", companyId), filter, PageRequest.of(cursor, limit));
    }
}
