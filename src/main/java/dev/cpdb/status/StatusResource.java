package dev.cpdb.status;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.cpdb.auth.AdminToken;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /api/db/status}: anonymously whether the database is configured, initialized and ready; with the
 * operator token also how it is set up (mode, pooler, endpoints without credentials, server version, migrations,
 * plugins).
 */
@Path("/api/db/status")
public class StatusResource {

    private static final String BEARER = "Bearer ";

    private final StatusService status;
    private final AdminToken adminToken;

    public StatusResource(StatusService status, AdminToken adminToken) {
        this.status = status;
        this.adminToken = adminToken;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Whether the database is configured, initialized and ready; with the operator token also "
            + "mode, pooler, endpoints (without credentials), server version, migrations and plugins")
    public Uni<DatabaseStatus> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        // Any other caller, agents included, sees the setup view: hosts, folders and error text are for operators.
        boolean operator = authorization != null
                && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && adminToken.matches(authorization.substring(BEARER.length()).strip());
        return status.status()
                .onItem().transform(full -> operator ? full : full.setupView());
    }
}
