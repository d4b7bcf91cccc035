package dev.cpdb.issue.comment;

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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import dev.cpdb.issue.IssueLocator;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/issues/{issue}/comments}: comment on an issue, list its comments.
 */
@Path("/api/issues/{issue}/comments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Comments")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class IssueCommentResource {

    private final CommentService service;
    private final CurrentCaller caller;

    public IssueCommentResource(CommentService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IssueComment.class)))
    @Operation(operationId = "createComment", summary = "Comment on an issue; mentions become issue references")
    public Uni<IssueComment> create(@PathParam("issue") String issue, CommentBody body) {
        return service.create(caller.get(), IssueLocator.parse(issue), body);
    }

    @GET
    @Operation(operationId = "listComments", summary = "List an issue's comments, newest first")
    public Uni<Page<IssueComment>> list(@PathParam("issue") String issue, @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {
        return service.list(caller.get(), IssueLocator.parse(issue), PageRequest.of(cursor, limit));
    }
}
