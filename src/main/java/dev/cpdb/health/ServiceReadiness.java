package dev.cpdb.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.lifecycle.ServiceLifecycle;
import dev.cpdb.migration.MigrationService;
import dev.cpdb.plugin.PluginService;
import dev.cpdb.plugin.PluginsOverview;
import dev.cpdb.secret.MasterKeyRecord;
import io.smallrye.mutiny.Uni;

/**
 * Decides whether this instance is ready, for the readiness probe and the {@code ready} field of the status: both
 * paths answer (from the shared {@link DatabaseProbe}), the core schema is migrated, the secrets master key is the one
 * the database recorded, and, only with {@code CPDB_PLUGINS_REQUIRED=true}, every plugin is active.
 */
@ApplicationScoped
public class ServiceReadiness {

    private final DatabaseProbe probe;
    private final MigrationService migrations;
    private final PluginService plugins;
    private final MasterKeyRecord masterKey;
    private final ServiceLifecycle lifecycle;

    public ServiceReadiness(DatabaseProbe probe, MigrationService migrations, PluginService plugins,
            MasterKeyRecord masterKey, ServiceLifecycle lifecycle) {
        this.probe = probe;
        this.migrations = migrations;
        this.plugins = plugins;
        this.masterKey = masterKey;
        this.lifecycle = lifecycle;
    }

    /**
     * The verdict and what it rests on.
     *
     * @param ready whether the instance should receive traffic
     * @param data one entry per condition: {@code UP} or why not, in a stable order
     */
    public record Verdict(boolean ready, Map<String, String> data) {
    }

    /** Decides from the shared probe; waits for it at most {@link DatabaseProbe#STATEMENT_TIMEOUT}. Never fails. */
    public Uni<Verdict> verdict() {
        if (!lifecycle.started() || lifecycle.stopping()) {
            return Uni.createFrom().item(new Verdict(false,
                    Map.of("reason", lifecycle.stopping() ? "shutting down" : "starting")));
        }
        return probe.result()
                .ifNoItem().after(DatabaseProbe.STATEMENT_TIMEOUT).recoverWithItem(ServiceReadiness::unanswered)
                .onItem().transform(this::decide);
    }

    private static DatabaseProbe.Result unanswered() {
        String error = "no answer within " + DatabaseProbe.STATEMENT_TIMEOUT.toSeconds() + " s";
        return new DatabaseProbe.Result(null, error, null, error, null, error, null, null);
    }

    private Verdict decide(DatabaseProbe.Result result) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("runtime", result.runtimeError() == null ? "UP" : result.runtimeError());
        data.put("direct", result.directError() == null ? "UP" : result.directError());
        boolean migrated = migrations.verifiedUpToDate();
        data.put("migrations", migrated ? "applied"
                : Objects.requireNonNullElse(migrations.problem(), "not verified"));
        Optional<String> keyProblem = masterKey.problem();
        data.put("secretsMasterKey", keyProblem.orElse("UP"));
        boolean ready = result.runtimeError() == null && result.directError() == null && migrated
                && keyProblem.isEmpty();
        if (plugins.required()) {
            Optional<String> pluginProblem = pluginProblem(result.plugins());
            data.put("plugins", pluginProblem.orElse("UP"));
            ready = ready && pluginProblem.isEmpty();
        }
        return new Verdict(ready, data);
    }

    private Optional<String> pluginProblem(PluginsOverview overview) {
        if (overview == null) {
            return Optional.of("plugin state unknown: the direct path did not answer");
        }
        if (overview.error() != null) {
            return Optional.of(overview.error());
        }
        String unhealthy = overview.plugins().stream()
                .filter(state -> !state.healthy())
                .map(state -> (state.key() != null ? state.key() : state.folder()) + ": " + state.status())
                .collect(Collectors.joining(", "));
        return unhealthy.isEmpty() ? Optional.empty() : Optional.of(unhealthy);
    }
}
