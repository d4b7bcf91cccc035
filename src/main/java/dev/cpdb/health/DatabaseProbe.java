package dev.cpdb.health;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.SharedProbe;
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
     * @param server the server's connection limit and use, null when the direct path failed
     */
    public record Result(String runtimeVersion, String runtimeError, String directVersion, String directError,
            MigrationState migrations, String migrationsError, PluginsOverview plugins, ServerConnections server) {
    }

    /**
     * The server's connections as the direct path saw them: client connections only (no background processes), as
     * {@code pg_stat_activity} shows them to cpdb's role (the application name of every session is visible to
     * every role).
     *
     * @param maxConnections the server's {@code max_connections}
     * @param reservedForSuperusers {@code superuser_reserved_connections}, part of {@code max_connections}
     * @param cpdb connections whose application name is cpdb's (its runtime name, or that name followed by
     *        {@code -} such as the direct path's), from every replica and command; through a pooler, the pooler's
     *        server connections that carry cpdb's name
     * @param others every other client connection
     */
    public record ServerConnections(int maxConnections, int reservedForSuperusers, long cpdb, long others) {

        /** Client connections of everyone. */
        public long total() {
            return cpdb + others;
        }
    }

    /** Counts client connections by application name; runs on the direct path inside the probe. */
    private static final String CONNECTIONS = "SELECT current_setting('server_version'), "
            + "current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int, "
            + "count(*) FILTER (WHERE a.application_name = ? OR left(a.application_name, length(?) + 1) = ? || '-'), "
            + "count(*) FROM pg_catalog.pg_stat_activity a "
            // backend_type is only shown for one's own sessions; a client's session always has a database and a role.
            + "WHERE COALESCE(a.backend_type = 'client backend', a.datid IS NOT NULL AND a.usesysid IS NOT NULL)";

    /** The probe's result: the last one while fresh, else the running probe, else a new one. Never fails. */
    public Uni<Result> result() {
        if (!database.started()) {
            return Uni.createFrom().item(new Result(null, "starting", null, "starting", null, "starting", null, null));
        }
        return shared.get();
    }

    /** The last probe's result however old, without probing; null before the first probe finished. */
    public Result last() {
        return shared.last();
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
                        describe(failure), null, describe(failure), null, null));
    }

    private static Result withRuntime(Result direct, RuntimeAnswer runtime) {
        return new Result(runtime.serverVersion(), runtime.error(), direct.directVersion(), direct.directError(),
                direct.migrations(),
                direct.migrationsError(), direct.plugins(), direct.server());
    }

    // Sequential on purpose: one direct connection at a time, closed before Flyway and the plugin registry open
    // theirs.
    private Result probeDirect() {
        String version;
        String error = null;
        ServerConnections server = null;
        String name = applicationName();
        try (Connection connection = database.direct().open();
                PreparedStatement statement = connection.prepareStatement(CONNECTIONS)) {
            statement.setQueryTimeout((int) STATEMENT_TIMEOUT.toSeconds());
            statement.setString(1, name);
            statement.setString(2, name);
            statement.setString(3, name);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                version = rows.getString(1);
                long cpdb = rows.getLong(4);
                server = new ServerConnections(rows.getInt(2), rows.getInt(3), cpdb, rows.getLong(5) - cpdb);
            }
        } catch (SQLException e) {
            version = null;
            error = describe(e);
        }
        if (error != null) {
            return new Result(null, null, null, error, null, "direct path unreachable", null, null);
        }
        MigrationState state = null;
        String migrationsError = null;
        try {
            state = migrations.state();
        } catch (RuntimeException e) {
            migrationsError = describe(e);
        }
        return new Result(null, null, version, null, state, migrationsError, plugins.overview(), server);
    }

    /** The application name cpdb's runtime connections carry; the direct path's adds {@code -direct}. */
    private String applicationName() {
        return database.plan().runtime().option("application_name").orElse(database.plan().pool().applicationName());
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
