package dev.cpdb.health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.database.Database;
import dev.cpdb.migration.MigrationService;
import dev.cpdb.migration.MigrationState;
import dev.cpdb.plugin.PluginService;
import dev.cpdb.plugin.PluginsOverview;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The one probe of both connection paths behind readiness and {@code GET /api/db/status}, a {@link SharedProbe}:
 * callers that arrive while a probe runs share it, and its result is reused for {@link #REUSE}, so no request and no
 * health check opens a connection of its own. At most one probe runs at a time, and it holds at most one direct connection at once.
 *
 * <p>
 * The direct half is blocking (JDBC, Flyway's history, the plugin folder) and runs on a worker thread.
 */
@ApplicationScoped
public class DatabaseProbe {

    /** How long a finished probe answers for everyone: short against outages, long against request floods. */
    static final Duration REUSE = Duration.ofSeconds(2);

    /** Longest wait for one statement on either path. */
    public static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(3);

    private final Database database;
    private final MigrationService migrations;
    private final PluginService plugins;
    private final SharedProbe<Result> shared;

    public DatabaseProbe(Database database, MigrationService migrations, PluginService plugins) {
        this.database = database;
        this.migrations = migrations;
        this.plugins = plugins;
        this.shared = new SharedProbe<>(REUSE, this::probe);
    }

    /**
     * What the last probe found.
     *
     * @param runtimeVersion server version seen through the runtime pool, null when it failed
     * @param runtimeError why the runtime path failed, null when it answered
     * @param directVersion server version seen on the direct path, null when it failed
     * @param directError why the direct path failed, null when it answered
     * @param migrations the core schema history, null when it could not be read
     * @param migrationsError why the history could not be read
     * @param plugins the plugin namespaces
     */
    public record Result(String runtimeVersion, String runtimeError, String directVersion, String directError,
            MigrationState migrations, String migrationsError, PluginsOverview plugins) {
    }

    /** The probe's result: the last one while fresh, else the running probe, else a new one. Never fails. */
    public Uni<Result> result() {
        if (!database.started()) {
            return Uni.createFrom().item(new Result(null, "starting", null, "starting", null, "starting", null));
        }
        return shared.get();
    }

    /** What the runtime path answered: the server version, or why it failed. */
    private record RuntimeAnswer(String serverVersion, String error) {
    }

    private Uni<Result> probe() {
        Uni<RuntimeAnswer> runtime = database.pool()
                .query("SELECT current_setting('server_version')")
                .execute()
                .ifNoItem().after(STATEMENT_TIMEOUT).fail()
                .onItem().transform(rows -> new RuntimeAnswer(rows.iterator().next().getString(0), null))
                .onFailure().recoverWithItem(failure -> new RuntimeAnswer(null, describe(failure)));
        Uni<Result> direct = Uni.createFrom().item(this::probeDirect)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return Uni.combine().all().unis(runtime, direct).asTuple()
                .onItem().transform(both -> withRuntime(both.getItem2(), both.getItem1()))
                .onFailure().recoverWithItem(failure -> new Result(null, describe(failure), null,
                        describe(failure), null, describe(failure), null));
    }

    private static Result withRuntime(Result direct, RuntimeAnswer runtime) {
        return new Result(runtime.serverVersion(), runtime.error(), direct.directVersion(), direct.directError(),
                direct.migrations(),
                direct.migrationsError(), direct.plugins());
    }

    // Sequential on purpose: one direct connection at a time, closed before Flyway and the plugin registry open
    // theirs.
    private Result probeDirect() {
        String version;
        String error = null;
        try (Connection connection = database.direct().open();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) STATEMENT_TIMEOUT.toSeconds());
            try (ResultSet rows = statement.executeQuery("SELECT current_setting('server_version')")) {
                rows.next();
                version = rows.getString(1);
            }
        } catch (SQLException e) {
            version = null;
            error = describe(e);
        }
        if (error != null) {
            return new Result(null, null, null, error, null, "direct path unreachable", null);
        }
        MigrationState state = null;
        String migrationsError = null;
        try {
            state = migrations.state();
        } catch (RuntimeException e) {
            migrationsError = describe(e);
        }
        return new Result(null, null, version, null, state, migrationsError, plugins.overview());
    }

    /** A short, credential-free description of a failure: its first line. */
    static String describe(Throwable failure) {
        if (failure instanceof io.smallrye.mutiny.TimeoutException) {
            return "no answer within " + STATEMENT_TIMEOUT.toSeconds() + " s";
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
