package dev.cpdb.status;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.smallrye.mutiny.Uni;

/**
 * {@code GET /api/db/status}: how the database is configured and whether both paths and the schema are usable.
 */
@Path("/api/db/status")
public class StatusResource {

    private final StatusService status;

    public StatusResource(StatusService status) {
        this.status = status;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Database mode, pooler, endpoints (without credentials), server version and migration state")
    public Uni<DatabaseStatus> get() {
        return status.status();
    }
}
