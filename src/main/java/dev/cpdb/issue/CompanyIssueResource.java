package dev.cpdb.issue;

import java.util.UUID;

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
 * {@code /api/companies/{companyId}/issues}: create a company's issues and list them with filters.
 */
@Path("/api/companies/{companyId}/issues")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Issues")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class CompanyIssueResource {

    private final IssueService service;
    private final CurrentCaller caller;

    public CompanyIssueResource(IssueService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Issue.class)))
    @Operation(operationId = "createIssue", summary = "Create an issue; it gets the next identifier of the company "
            + "(PREFIX-N)")
    public Uni<Issue> create(@PathParam("companyId") String companyId, IssueCreate body) {
        return service.create(caller.get(), Ids.parse("company id", companyId), body);
    }

    @GET
    @Operation(operationId = "listIssues", summary = "List the company's issues, newest first, with filters")
    public Uni<Page<Issue>> list(@PathParam("companyId") String companyId,
            @Parameter(description = "Only issues with this status") @QueryParam("status") String status,
            @Parameter(description = "Only issues assigned to this agent") @QueryParam("assigneeAgentId") String assignee,
            @Parameter(description = "Only issues of this project") @QueryParam("projectId") String projectId,
            @Parameter(description = "Only issues of this goal") @QueryParam("goalId") String goalId,
            @Parameter(description = "Only issues whose title contains this text (any letter case)") @QueryParam("q") String q,
            @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        IssueFilter filter = new IssueFilter(
                Input.queryEnum("status", status, IssueStatus.class),
                optionalId("assigneeAgentId", assignee),
                optionalId("projectId", projectId),
                optionalId("goalId", goalId),
                q == null || q.isEmpty() ? null : Input.verbatim("q", q, 1, 200));
        return service.list(caller.get(), Ids.parse("company id", companyId), filter, PageRequest.of(cursor, limit));
    }

    private static UUID optionalId(String parameter, String value) {
        return value == null || value.isEmpty() ? null : Ids.parse(parameter, value);
    }
}
