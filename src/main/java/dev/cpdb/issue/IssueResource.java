package dev.cpdb.issue;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/issues/{issue}}: one issue, named by id or by identifier such as {@code ACME-42}.
 */
@Path("/api/issues/{issue}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Issues")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class IssueResource {

    private final IssueService service;
    private final CurrentCaller caller;

    public IssueResource(IssueService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "getIssue", summary = "Get an issue by id or identifier")
    public Uni<Issue> get(
            @Parameter(description = "Issue id or identifier (ACME-42)") @PathParam("issue") String issue) {
        return service.get(caller.get(), IssueLocator.parse(issue));
    }

    @PATCH
    @Operation(operationId = "updateIssue", summary = "Change an issue; a changed description re-syncs its references")
    public Uni<Issue> update(@PathParam("issue") String issue, IssuePatch body) {
        return service.update(caller.get(), IssueLocator.parse(issue), body);
    }

    @DELETE
    @ResponseStatus(204)
    @Operation(operationId = "deleteIssue", summary = "Delete an issue with its comments and references")
    public Uni<Void> delete(@PathParam("issue") String issue) {
        return service.delete(caller.get(), IssueLocator.parse(issue));
    }
}
