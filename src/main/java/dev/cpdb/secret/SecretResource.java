package dev.cpdb.secret;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.auth.Secured;
import dev.cpdb.problem.InvalidInputException;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/secrets/{id}}: one secret's metadata for agents of its company; changing it (description, rotation,
 * deletion) and reading its value are for operators, so that no agent can put a value into a colleague's env.
 */
@Path("/api/secrets/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Secrets")
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Secured(agents = true)
public class SecretResource {

    private final SecretService service;
    private final CurrentCaller caller;

    public SecretResource(SecretService service, CurrentCaller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "getSecret", summary = "Get a secret's metadata")
    public Uni<Secret> get(@PathParam("id") String id) {
        return service.get(caller.get(), Ids.parse("secret id", id));
    }

    @PATCH
    @Secured
    @Operation(operationId = "updateSecret", summary = "Change a secret's description (operators only)")
    public Uni<Secret> update(@PathParam("id") String id, SecretPatch body) {
        return service.update(caller.get(), Ids.parse("secret id", id), body);
    }

    @POST
    @Path("versions")
    @Secured
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Secret.class)))
    @Operation(operationId = "rotateSecret", summary = "Rotate: store a new value as the next version (earlier "
            + "versions stay readable; operators only)")
    public Uni<Secret> rotate(@PathParam("id") String id, SecretRotate body) {
        return service.rotate(caller.get(), Ids.parse("secret id", id), body);
    }

    @GET
    @Path("value")
    @Secured
    @Operation(operationId = "getSecretValue", summary = "Decrypt a version of the secret, the latest by default "
            + "(operators only)")
    public Uni<SecretValue> value(@PathParam("id") String id,
            @Parameter(description = "Version to read; the latest when left out") @QueryParam("version") String version) {
        return service.value(caller.get(), Ids.parse("secret id", id), version(version));
    }

    @DELETE
    @Secured
    @ResponseStatus(204)
    @Operation(operationId = "deleteSecret", summary = "Delete a secret with all its versions, unless an agent's "
            + "environment refers to it (operators only)")
    public Uni<Void> delete(@PathParam("id") String id) {
        return service.delete(caller.get(), Ids.parse("secret id", id));
    }

    private static Integer version(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < 1) {
            throw new InvalidInputException("Query parameter 'version' must be a whole number from 1");
        }
        return Integer.parseInt(text);
    }
}
