package dev.cpdb.issue.reference;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import dev.cpdb.issue.IssueLocator;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /api/issues/{issue}/references}: which issues this one mentions, and which mention it.
 */
@Path("/api/issues/{issue}/references")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Issues")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class IssueReferenceResource {

    private final IssueReferenceService service;
    private final CurrentCaller caller;

    public IssueReferenceResource(IssueReferenceService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "listIssueReferences", summary = "Outgoing and incoming mentions between this issue "
            + "and others of its company")
    public Uni<IssueReferences> list(@PathParam("issue") String issue) {
        return service.list(caller.get(), IssueLocator.parse(issue));
    }
}
