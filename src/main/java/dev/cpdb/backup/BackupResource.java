package dev.cpdb.backup;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.cpdb.api.ApiDocumentation;
import dev.cpdb.auth.Secured;
import dev.cpdb.backup.archive.StoreUnreachableException;
import dev.cpdb.problem.Problem;
import dev.cpdb.problem.ProblemMappers;

/**
 * Operator endpoints for backups in the configured store: checks the request, asks {@link BackupJobs} or
 * {@link BackupListing}, and answers. Methods are blocking (JDBC, store I/O) and run on worker threads.
 */
@Path("/api/db/backups")
@Secured
@SecurityRequirement(name = ApiDocumentation.BEARER)
@Produces(MediaType.APPLICATION_JSON)
public class BackupResource {

    static final int MAX_LIMIT = 100;

    /** When a client asks again after the store failed. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final BackupJobs jobs;
    private final BackupListing listing;

    public BackupResource(BackupJobs jobs, BackupListing listing) {
        this.jobs = jobs;
        this.listing = listing;
    }

    @POST
    @Operation(summary = "Start a backup; 202 with its id, 409 when one is already running on any replica or a "
            + "schema migration runs")
    @APIResponse(responseCode = "202", description = "Started: the backup's id (backupId) and statusUrl", content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "409", description = "A backup is already running on some replica (runningBackupId), or a schema migration runs", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response start() {
        BackupJobs.Start start = jobs.startBackup("api", null);
        if (start instanceof BackupJobs.Started started) {
            String url = "/api/db/backups/" + started.runId();
            return Response.accepted(Map.of("backupId", started.runId(), "status", "running", "statusUrl", url))
                    .location(URI.create(url)).build();
        }
        if (start instanceof BackupJobs.MigrationRunning migration) {
            return ProblemMappers.problem(409, migration.who() + " is running on this database; a backup starts "
                    + "only once it has finished, try again then");
        }
        String running = start instanceof BackupJobs.Busy busy ? busy.runningId() : "unknown";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", "Conflict");
        body.put("status", 409);
        body.put("detail", "backup " + running + " is already running; wait for it to finish");
        body.put("runningBackupId", running);
        return Response.status(409).type("application/problem+json").entity(body).build();
    }

    @GET
    @Operation(summary = "Committed and running backups, newest first, paginated with limit and before; from the run "
            + "table alone, saying so in store, while the backup store cannot be read")
    @APIResponse(responseCode = "200", description = "A page of committed and running backups, and whether the store answered", content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Response list(@QueryParam("limit") @DefaultValue("20") String limitText,
            @QueryParam("before") String before) {
        // Read as text: a parameter JAX-RS cannot convert would answer 404, as if the path did not exist.
        int limit = limitText.matches("[0-9]{1,3}") ? Integer.parseInt(limitText) : 0;
        if (limit < 1 || limit > MAX_LIMIT) {
            return ProblemMappers.problem(400, "limit must be a whole number between 1 and " + MAX_LIMIT);
        }
        if (before != null && !BackupId.isValid(before)) {
            return ProblemMappers.problem(400, "before must be a backup id such as 20261125T101500Z-3f9a1c");
        }
        return Response.ok(listing.page(before, limit)).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Status, phase, timings, sizes, manifest and last restore drill of one backup; 503 only "
            + "when the backup store cannot be read and no run of this database knows the backup")
    @APIResponse(responseCode = "200", description = "The backup", content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "503", description = "The backup store does not answer and no run knows the backup", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response get(@PathParam("id") String id) {
        if (!BackupId.isValid(id)) {
            return invalidId();
        }
        try {
            return listing.detail(id).map(detail -> Response.ok(detail).build()).orElseGet(() -> notFound(id));
        } catch (StoreUnreachableException e) {
            return storeUnreachable(e);
        }
    }

    @GET
    @Path("{id}/content")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Stream the backup's data object (the compressed SQL script); 503 while the backup store "
            + "cannot be read")
    @APIResponse(responseCode = "200", description = "The data object", content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM))
    @APIResponse(responseCode = "503", description = "The backup store does not answer", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response content(@PathParam("id") String id) {
        if (!BackupId.isValid(id)) {
            return invalidId();
        }
        try {
            Optional<BackupManifest> manifest = listing.manifest(id);
            if (manifest.isEmpty()) {
                return notFound(id);
            }
            Optional<InputStream> data = listing.content(id, manifest.get());
            if (data.isEmpty()) {
                return ProblemMappers.problem(404, "the data object of backup " + id + " is missing from the store");
            }
            return Response.ok(data.get(), MediaType.APPLICATION_OCTET_STREAM)
                    .header("Content-Length", manifest.get().data().bytes())
                    .header("Content-Disposition", "attachment; filename=\"" + id + "-" + manifest.get().data().key()
                            + "\"")
                    .build();
        } catch (StoreUnreachableException e) {
            return storeUnreachable(e);
        }
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a committed backup (manifest first); 409 while it runs, 503 while the backup store "
            + "cannot be read")
    @APIResponse(responseCode = "204", description = "Deleted, manifest first")
    @APIResponse(responseCode = "409", description = "The backup is still running", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "503", description = "The backup store does not answer", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response delete(@PathParam("id") String id) {
        if (!BackupId.isValid(id)) {
            return invalidId();
        }
        if (listing.run(id).map(BackupRun::running).orElse(false)) {
            return ProblemMappers.problem(409, "backup " + id + " is still running; it can be deleted once it ends");
        }
        try {
            Optional<BackupManifest> manifest = listing.manifest(id);
            if (manifest.isEmpty()) {
                return notFound(id);
            }
            listing.delete(id, manifest.get());
            return Response.noContent().build();
        } catch (StoreUnreachableException e) {
            return storeUnreachable(e);
        }
    }

    @POST
    @Path("{id}/verify")
    @Operation(summary = "Start a restore drill of the backup into a scratch database; 202 with the drill's id, 503 "
            + "while the backup store cannot be read")
    @APIResponse(responseCode = "202", description = "Started: the drill's id (verifyRunId) and statusUrl", content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "503", description = "The backup store does not answer", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response verify(@PathParam("id") String id,
            @Parameter(description = "drill a backup without signature, or signed with a key that is not configured") @QueryParam("allowUnsigned") boolean allowUnsigned) {
        if (!BackupId.isValid(id)) {
            return invalidId();
        }
        Optional<BackupManifest> manifest;
        try {
            manifest = listing.manifest(id);
        } catch (StoreUnreachableException e) {
            return storeUnreachable(e);
        }
        if (manifest.isEmpty()) {
            return notFound(id);
        }
        RestoreService.Located backup = new RestoreService.Located(listing.catalog().store(), id, manifest.get());
        // Without a slot the only outcome is a start: drill ids are fresh and nothing else can claim them.
        BackupJobs.Started start = (BackupJobs.Started) jobs.startVerify(backup, "api", null, allowUnsigned);
        String runId = start.runId();
        String url = "/api/db/backups/" + id;
        return Response.accepted(Map.of("verifyRunId", runId, "backupId", id, "statusUrl", url))
                .location(URI.create(url)).build();
    }

    private static Response invalidId() {
        return ProblemMappers.problem(400, "not a backup id; ids look like 20261125T101500Z-3f9a1c");
    }

    private static Response notFound(String id) {
        return ProblemMappers.problem(404, "no backup " + id + " in the configured store");
    }

    private static Response storeUnreachable(StoreUnreachableException e) {
        return Response.fromResponse(ProblemMappers.problem(503, e.getMessage()))
                .header("Retry-After", Long.toString(RETRY_AFTER.toSeconds()))
                .build();
    }
}
