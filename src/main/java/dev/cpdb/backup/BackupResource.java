package dev.cpdb.backup;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import dev.cpdb.auth.Secured;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.database.Database;
import dev.cpdb.problem.ProblemMappers;

/**
 * Operator endpoints for backups in the configured store. Methods are blocking (JDBC, store I/O) and run on worker
 * threads.
 */
@Path("/api/db/backups")
@Secured
@Produces(MediaType.APPLICATION_JSON)
public class BackupResource {

    static final int MAX_LIMIT = 100;

    private final BackupJobs jobs;
    private final BackupService backups;
    private final Database database;

    public BackupResource(BackupJobs jobs, BackupService backups, Database database) {
        this.jobs = jobs;
        this.backups = backups;
        this.database = database;
    }

    /** A backup as listed: committed (with its manifest's numbers) or still running. */
    public record BackupSummary(String backupId, String status, String phase, String startedAt, String finishedAt,
            Long bytes, String compression, Integer tables, Long rows, String statusUrl) {
    }

    /** One page of backups, newest first; {@code next} is the cursor of the following page. */
    public record BackupPage(List<BackupSummary> items, String next) {
    }

    @POST
    @Operation(summary = "Start a backup; 202 with its id, 409 when one is already running on any replica or a "
            + "schema migration runs")
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
    @Operation(summary = "Committed and running backups, newest first, paginated with limit and before")
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
        List<BackupSummary> all = new ArrayList<>();
        List<String> running = new ArrayList<>();
        for (BackupRun run : runs()) {
            if (run.running()) {
                running.add(run.id());
                all.add(summary(run));
            }
        }
        for (BackupManifest manifest : backups.list(backups.defaultStore())) {
            if (!running.contains(manifest.backupId())) {
                all.add(summary(manifest));
            }
        }
        List<BackupSummary> page = all.stream()
                .sorted(Comparator.comparing(BackupSummary::backupId).reversed())
                .filter(item -> before == null || item.backupId().compareTo(before) < 0)
                .limit(limit + 1L)
                .toList();
        String next = page.size() > limit ? page.get(limit - 1).backupId() : null;
        return Response.ok(new BackupPage(page.subList(0, Math.min(limit, page.size())), next)).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Status, phase, timings, sizes, manifest and last restore drill of one backup")
    public Response get(@PathParam("id") String id) {
        if (!BackupId.isValid(id)) {
            return invalidId();
        }
        Optional<BackupRun> run = run(id);
        Optional<BackupManifest> manifest = backups.manifest(backups.defaultStore(), id);
        if (run.isEmpty() && manifest.isEmpty()) {
            return notFound(id);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("backupId", id);
        body.put("status", manifest.isPresent() ? "committed" : run.get().status());
        run.ifPresent(r -> body.put("run", r));
        manifest.ifPresent(m -> body.put("manifest", m));
        lastVerify(id).ifPresent(v -> body.put("lastVerify", v));
        return Response.ok(body).build();
    }

    @GET
    @Path("{id}/content")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Stream the backup's data object (the compressed SQL script)")
    public Response content(@PathParam("id") String id) throws IOException {
        if (!BackupId.isValid(id)) {
            return invalidId();
        }
        BackupStore store = backups.defaultStore();
        Optional<BackupManifest> manifest = backups.manifest(store, id);
        if (manifest.isEmpty()) {
            return notFound(id);
        }
        Optional<InputStream> data = store.read(id + "/" + manifest.get().data().key());
        if (data.isEmpty()) {
            return ProblemMappers.problem(404, "the data object of backup " + id + " is missing from the store");
        }
        return Response.ok(data.get(), MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Length", manifest.get().data().bytes())
                .header("Content-Disposition", "attachment; filename=\"" + id + "-" + manifest.get().data().key()
                        + "\"")
                .build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a committed backup (manifest first); 409 while it runs")
    public Response delete(@PathParam("id") String id) throws IOException {
        if (!BackupId.isValid(id)) {
            return invalidId();
        }
        if (run(id).map(BackupRun::running).orElse(false)) {
            return ProblemMappers.problem(409, "backup " + id + " is still running; it can be deleted once it ends");
        }
        BackupStore store = backups.defaultStore();
        Optional<BackupManifest> manifest = backups.manifest(store, id);
        if (manifest.isEmpty()) {
            return notFound(id);
        }
        store.delete(id + "/" + BackupManifest.FILE_NAME);
        store.delete(id + "/" + manifest.get().data().key());
        return Response.noContent().build();
    }

    @POST
    @Path("{id}/verify")
    @Operation(summary = "Start a restore drill of the backup into a scratch database; 202 with the drill's id")
    public Response verify(@PathParam("id") String id,
            @Parameter(description = "drill a backup without signature, or signed with a key that is not configured") @QueryParam("allowUnsigned") boolean allowUnsigned) {
        if (!BackupId.isValid(id)) {
            return invalidId();
        }
        BackupStore store = backups.defaultStore();
        if (backups.manifest(store, id).isEmpty()) {
            return notFound(id);
        }
        // Without a slot the only outcome is a start: drill ids are fresh and nothing else can claim them.
        BackupJobs.Started start = (BackupJobs.Started) jobs.startVerify(backups.locate(store, id), "api", null,
                allowUnsigned);
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

    private static BackupSummary summary(BackupRun run) {
        return new BackupSummary(run.id(), run.status(), run.phase(), String.valueOf(run.startedAt()),
                run.finishedAt() == null ? null : run.finishedAt().toString(), run.bytes(), null, null, run.rows(),
                "/api/db/backups/" + run.id());
    }

    private static BackupSummary summary(BackupManifest manifest) {
        return new BackupSummary(manifest.backupId(), "committed", null, manifest.startedAt().toString(),
                manifest.finishedAt().toString(), manifest.data().bytes(), manifest.compression(),
                manifest.tables().size(), manifest.totalRows(), "/api/db/backups/" + manifest.backupId());
    }

    private List<BackupRun> runs() {
        try (Connection connection = database.direct().open()) {
            return BackupRunRepository.recent(connection, "backup", 1000);
        } catch (SQLException e) {
            throw new BackupFailedException("cannot read the backup catalog: " + e.getMessage(), e);
        }
    }

    private Optional<BackupRun> run(String id) {
        try (Connection connection = database.direct().open()) {
            return BackupRunRepository.find(connection, id);
        } catch (SQLException e) {
            throw new BackupFailedException("cannot read the backup catalog: " + e.getMessage(), e);
        }
    }

    private Optional<BackupRun> lastVerify(String id) {
        try (Connection connection = database.direct().open()) {
            return BackupRunRepository.latestVerify(connection, id);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }
}
