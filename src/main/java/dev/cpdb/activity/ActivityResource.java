package dev.cpdb.activity;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.api.Ids;
import dev.cpdb.api.Input;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /api/companies/{companyId}/activity}: the company's audit trail, newest first.
 */
@Path("/api/companies/{companyId}/activity")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Activity")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class ActivityResource {

    private final ActivityService service;
    private final CurrentCaller caller;

    public ActivityResource(ActivityService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "listActivity", summary = "List the company's activity log, newest first")
    public Uni<Page<ActivityEntry>> list(@PathParam("companyId") String companyId,
            @Parameter(description = "Only entries about this record") @QueryParam("entityId") String entityId,
            @Parameter(description = "Only entries about this kind of record, e.g. issue") @QueryParam("entityType") String entityType,
            @Parameter(description = "Only this action, e.g. issue.created") @QueryParam("action") String action,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        ActivityFilter filter = new ActivityFilter(
                entityId == null || entityId.isEmpty() ? null : Ids.parse("entityId", entityId),
                blankToNull("entityType", entityType),
                blankToNull("action", action));
        return service.list(caller.get(), Ids.parse("company id", companyId), filter, PageRequest.of(cursor, limit));
    }

    private static String blankToNull(String parameter, String value) {
        return value == null || value.isEmpty() ? null : Input.text(parameter, value, 1, 100);
    }
}
