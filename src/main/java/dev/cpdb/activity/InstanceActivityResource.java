package dev.cpdb.activity;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.api.Input;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Reads;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import io.smallrye.mutiny.Uni;

/** {@code GET /api/activity}: the instance's own audit trail (changes of instance settings), newest first. */
@Path("/api/activity")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Activity")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured
public class InstanceActivityResource {

    private final Reads reads;
    private final ActivityRepository activity;
    private final CurrentCaller caller;

    public InstanceActivityResource(Reads reads, ActivityRepository activity, CurrentCaller caller) {
        this.reads = reads;
        this.activity = activity;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "listInstanceActivity", summary = "List the instance's own activity log (entries about "
            + "no company, such as setting changes), newest first")
    public Uni<Page<ActivityEntry>> list(
            @Parameter(description = "Only this action, e.g. instance_setting.changed") @QueryParam("action") String action,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        PageRequest page = PageRequest.of(cursor, limit);
        ActivityFilter filter = new ActivityFilter(null, null,
                action == null || action.isEmpty() ? null : Input.text("action", action, 1, 100));
        return activity.listInstance(reads.client(caller.get()), filter, page)
                .onItem().transform(rows -> Page.of(rows, page, ActivityEntry::id));
    }
}
