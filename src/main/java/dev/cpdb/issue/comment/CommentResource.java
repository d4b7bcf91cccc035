package dev.cpdb.issue.comment;

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
 * {@code /api/comments/{id}}: one comment; its author or an operator may edit or delete it.
 */
@Path("/api/comments/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Comments")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class CommentResource {

    private final CommentService service;
    private final CurrentCaller caller;

    public CommentResource(CommentService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "getComment", summary = "Get a comment")
    public Uni<IssueComment> get(@PathParam("id") String id) {
        return service.get(caller.get(), Ids.parse("comment id", id));
    }

    @PATCH
    @Operation(operationId = "updateComment", summary = "Edit a comment (its author or an operator); its references "
            + "are re-synced")
    public Uni<IssueComment> update(@PathParam("id") String id, CommentBody body) {
        return service.update(caller.get(), Ids.parse("comment id", id), body);
    }

    @DELETE
    @ResponseStatus(204)
    @Operation(operationId = "deleteComment", summary = "Delete a comment (its author or an operator)")
    public Uni<Void> delete(@PathParam("id") String id) {
        return service.delete(caller.get(), Ids.parse("comment id", id));
    }
}
