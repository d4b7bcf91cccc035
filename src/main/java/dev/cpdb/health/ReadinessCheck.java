package dev.cpdb.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.cpdb.ServiceLifecycle;
import dev.cpdb.database.Database;
import dev.cpdb.migration.MigrationService;
import dev.cpdb.plugin.PluginService;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Readiness: the runtime pool answers (through the pooler when there is one), the direct path answers, the core
 * schema is migrated, and, only with {@code CPDB_PLUGINS_REQUIRED=true}, every plugin is active. The direct and plugin
 * probes are blocking (JDBC, plugin folder) and run on worker threads.
 */
@Readiness
public class ReadinessCheck implements AsyncHealthCheck {

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Database database;
    private final MigrationService migrations;
    private final PluginService plugins;
    private final ServiceLifecycle lifecycle;

    public ReadinessCheck(Database database, MigrationService migrations, PluginService plugins,
            ServiceLifecycle lifecycle) {
        this.database = database;
        this.migrations = migrations;
        this.plugins = plugins;
        this.lifecycle = lifecycle;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!database.started() || lifecycle.stopping()) {
            return Uni.createFrom().item(HealthCheckResponse.named("database").down().withData("reason",
                    lifecycle.stopping() ? "shutting down" : "starting").build());
        }
        Uni<String> runtime = database.pool()
                .query("SELECT 1")
                .execute()
                .ifNoItem().after(TIMEOUT).fail()
                .onItem().transform(rows -> (String) null)
                .onFailure().recoverWithItem(ReadinessCheck::describe);
        Uni<String> direct = Uni.createFrom().item(this::probeDirect)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(TIMEOUT).recoverWithItem("no answer within " + TIMEOUT.toSeconds() + " s");
        Uni<String> pluginProblem = plugins.required()
                ? Uni.createFrom().item(() -> plugins.readinessProblem().orElse(null))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                : Uni.createFrom().nullItem();
        return Uni.combine().all().unis(runtime, direct, pluginProblem).asTuple()
                .onItem().transform(errors -> response(errors.getItem1(), errors.getItem2(), errors.getItem3()));
    }

    private HealthCheckResponse response(String runtimeError, String directError, String pluginProblem) {
        boolean migrated = migrations.verifiedUpToDate();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("database")
                .status(runtimeError == null && directError == null && migrated && pluginProblem == null)
                .withData("runtime", runtimeError == null ? "UP" : runtimeError)
                .withData("direct", directError == null ? "UP" : directError)
                .withData("migrations", migrated ? "applied"
                        : Objects.requireNonNullElse(migrations.problem(), "not verified"));
        if (plugins.required()) {
            builder.withData("plugins", pluginProblem == null ? "UP" : pluginProblem);
        }
        return builder.build();
    }

    private String probeDirect() {
        try (Connection connection = database.direct().open()) {
            return connection.isValid((int) TIMEOUT.toSeconds()) ? null : "no answer within " + TIMEOUT.toSeconds()
                    + " s";
        } catch (SQLException e) {
            return describe(e);
        }
    }

    private static String describe(Throwable failure) {
        if (failure instanceof io.smallrye.mutiny.TimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
