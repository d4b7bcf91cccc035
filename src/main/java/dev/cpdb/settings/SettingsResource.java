package dev.cpdb.settings;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import dev.cpdb.api.FreeFormJson;
import dev.cpdb.auth.Secured;
import dev.cpdb.problem.ProblemMappers;
import io.smallrye.mutiny.Uni;

/** Operators' instance settings: list, read one, change one (live on every replica). */
@Path("/api/settings")
@Secured
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    private static final Logger LOG = Logger.getLogger(SettingsResource.class);

    private final InstanceSettings settings;
    private final dev.cpdb.auth.CurrentCaller caller;

    public SettingsResource(InstanceSettings settings, dev.cpdb.auth.CurrentCaller caller) {
        this.settings = settings;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Every instance setting: type, range, default, effective value (never a sensitive one's), "
            + "source and whether it can be changed here")
    public List<SettingView> list() {
        return settings.views();
    }

    @GET
    @Path("{key}")
    @Operation(summary = "One instance setting")
    public Response get(@PathParam("key") String key) {
        return settings.definition(key)
                .map(definition -> Response.ok(settings.view(definition)).build())
                .orElseGet(() -> ProblemMappers.problem(404, "No setting is called '" + shorten(key)
                        + "'; GET /api/settings lists them"));
    }

    @PATCH
    @Path("{key}")
    @Operation(summary = "Change one instance setting: {\"value\": ...}, or {\"value\": null} for the default; "
            + "every replica applies it within a few seconds")
    public Uni<Response> patch(@PathParam("key") String key, SettingChange body) {
        if (body == null || !body.contains(SettingChange.VALUE)) {
            return Uni.createFrom().item(ProblemMappers.problem(400, "Send a JSON object with one member, "
                    + "\"value\": the new value as a string, number or boolean, or null for the default"));
        }
        Object value = FreeFormJson.check(SettingChange.VALUE, body.getValue());
        if (!(value == null || value instanceof String || value instanceof Number || value instanceof Boolean)) {
            return Uni.createFrom().item(ProblemMappers.problem(400, "\"value\" must be a string, number, boolean "
                    + "or null"));
        }
        return settings.set(key, value == null ? null : value.toString(), dev.cpdb.activity.Actor.of(caller.get()))
                .map(change -> {
                    SettingView now = change.now();
                    if (now.sensitive()) {
                        LOG.infof("setting %s changed by an operator (sensitive: value not logged)", key);
                    } else {
                        LOG.infof("setting %s changed by an operator from %s to %s", key, change.before(),
                                now.value());
                    }
                    return Response.ok(now).build();
                })
                .onFailure(SettingRefusedException.class).recoverWithItem(failure -> ProblemMappers.problem(
                        ((SettingRefusedException) failure).status(), failure.getMessage()));
    }

    private static String shorten(String key) {
        return key.length() > 100 ? key.substring(0, 100) + "…" : key;
    }
}
