package dev.cpdb.goal;

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
 * {@code /api/goals/{id}}: one goal.
 */
@Path("/api/goals/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Goals")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class GoalResource {

    private final GoalService service;
    private final CurrentCaller caller;

    public GoalResource(GoalService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "getGoal", summary = "Get a goal")
    public Uni<Goal> get(@PathParam("id") String id) {
        return service.get(caller.get(), Ids.parse("goal id", id));
    }

    @PATCH
    @Operation(operationId = "updateGoal", summary = "Change a goal; a new parent may not be the goal or one of its "
            + "sub-goals")
    public Uni<Goal> update(@PathParam("id") String id, GoalPatch body) {
        return service.update(caller.get(), Ids.parse("goal id", id), body);
    }

    @DELETE
    @ResponseStatus(204)
    @Operation(operationId = "deleteGoal", summary = "Delete a goal that has no sub-goals or issues")
    public Uni<Void> delete(@PathParam("id") String id) {
        return service.delete(caller.get(), Ids.parse("goal id", id));
    }
}
