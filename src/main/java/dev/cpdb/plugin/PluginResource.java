package dev.cpdb.plugin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import dev.cpdb.auth.Secured;
import dev.cpdb.plugin.folder.PluginManifest;
import dev.cpdb.plugin.namespace.PluginRun;
import dev.cpdb.problem.ProblemMappers;
import io.smallrye.common.annotation.Blocking;

/**
 * Operators' plugin API: list plugins, show one, migrate one. Blocking (folder and direct-path JDBC), so every method
 * runs on a worker thread.
 */
@Path("/api/plugins")
@Secured
@Produces(MediaType.APPLICATION_JSON)
public class PluginResource {

    private static final Logger LOG = Logger.getLogger(PluginResource.class);

    private final PluginService plugins;

    public PluginResource(PluginService plugins) {
        this.plugins = plugins;
    }

    @GET
    @Blocking
    @Operation(summary = "Every plugin with namespace, role, isolation, applied and pending migrations, last error")
    public PluginsOverview list() {
        return plugins.overview();
    }

    @GET
    @Path("{key}")
    @Blocking
    @Operation(summary = "One plugin with each of its migrations")
    public Response get(@PathParam("key") String key) {
        if (!PluginManifest.isValidKey(key)) {
            return badKey(key);
        }
        return plugins.state(key)
                .map(state -> Response.ok(state).build())
                .orElseGet(() -> unknown(key));
    }

    @POST
    @Path("{key}/migrate")
    @Blocking
    @Operation(summary = "Apply the plugin's pending migrations now")
    public Response migrate(@PathParam("key") String key) {
        if (!PluginManifest.isValidKey(key)) {
            return badKey(key);
        }
        return plugins.migrate(key)
                .map(run -> answer(key, run))
                .orElseGet(() -> ProblemMappers.problem(404, "No plugin folder in " + plugins.directory()
                        + " declares the key '" + key + "'"));
    }

    private Response answer(String key, PluginRun run) {
        if (!run.succeeded()) {
            LOG.warnf("plugin %s: migration requested over HTTP ended %s: %s", key, run.outcome(), run.error());
        }
        return switch (run.outcome()) {
            case MIGRATED -> Response.ok(plugins.state(key).orElseThrow()).build();
            case BUSY -> ProblemMappers.problem(409, run.error());
            case FAILED, INVALID -> ProblemMappers.problem(422, "plugin " + key + ": " + run.error());
        };
    }

    private Response unknown(String key) {
        return ProblemMappers.problem(404, "No plugin with key '" + key + "' in " + plugins.directory()
                + " or in the plugin registry");
    }

    private static Response badKey(String key) {
        return ProblemMappers.problem(400, "'" + key.replaceAll("[^\\x20-\\x7e]", "?") + "' is not a plugin key; "
                + "keys are " + PluginManifest.KEY_RULE);
    }
}
