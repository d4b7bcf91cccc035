package dev.cpdb.status;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.database.ConnectionPlan;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseEndpoint;
import dev.cpdb.migration.MigrationService;
import dev.cpdb.migration.MigrationState;
import dev.cpdb.plugin.PluginService;
import dev.cpdb.plugin.PluginsOverview;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Assembles {@link DatabaseStatus}: the runtime path is probed over the pool, the direct path, the migration history
 * and the plugin namespaces over JDBC on worker threads.
 */
@ApplicationScoped
public class StatusService {

    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private final Database database;
    private final MigrationService migrations;
    private final PluginService plugins;

    public StatusService(Database database, MigrationService migrations, PluginService plugins) {
        this.database = database;
        this.migrations = migrations;
        this.plugins = plugins;
    }

    /** Builds the status; never fails, unreachable paths are reported inside it. */
    public Uni<DatabaseStatus> status() {
        ConnectionPlan plan = database.plan();
        Uni<RuntimeProbe> runtime = probeRuntime();
        Uni<DirectProbe> direct = Uni.createFrom().item(this::probeDirect)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        Uni<PluginsOverview> pluginState = Uni.createFrom().item(plugins::overview)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return Uni.combine().all().unis(runtime, direct, pluginState).asTuple()
                .onItem().transform(probes -> assemble(plan, probes.getItem1(), probes.getItem2(), probes.getItem3()));
    }

    private DatabaseStatus assemble(ConnectionPlan plan, RuntimeProbe runtime, DirectProbe direct,
            PluginsOverview pluginState) {
        DatabaseStatus.Embedded embedded = database.embeddedInfo()
                .map(info -> new DatabaseStatus.Embedded(info.dataDirectory().toString(), info.port(),
                        info.ownedByThisProcess()))
                .orElse(null);
        boolean initialized = direct.error() == null && direct.migrations().error() == null
                && direct.migrations().pending() == 0;
        return new DatabaseStatus(true, initialized, "postgresql", plan.mode().settingValue(),
                database.pooler().mode().settingValue(), database.pooler().reason(),
                path(plan.runtime().endpoint(), runtime.error()),
                path(plan.direct().endpoint(), direct.error()),
                runtime.serverVersion() != null ? runtime.serverVersion() : direct.serverVersion(),
                direct.migrations(), embedded, pluginState);
    }

    private static DatabaseStatus.Path path(DatabaseEndpoint endpoint, String error) {
        return new DatabaseStatus.Path(endpoint.host(), endpoint.port(), endpoint.database(), error == null, error);
    }

    private record RuntimeProbe(String serverVersion, String error) {
    }

    private record DirectProbe(String serverVersion, DatabaseStatus.Migrations migrations, String error) {
    }

    private Uni<RuntimeProbe> probeRuntime() {
        return database.pool()
                .query("SELECT current_setting('server_version')")
                .execute()
                .ifNoItem().after(PROBE_TIMEOUT).fail()
                .onItem().transform(rows -> new RuntimeProbe(rows.iterator().next().getString(0), null))
                .onFailure().recoverWithItem(failure -> new RuntimeProbe(null, describe(failure)));
    }

    private DirectProbe probeDirect() {
        String version;
        try (Connection connection = database.direct().open();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT current_setting('server_version')")) {
            rs.next();
            version = rs.getString(1);
        } catch (SQLException e) {
            return new DirectProbe(null,
                    new DatabaseStatus.Migrations(null, null, null, null, "direct path unreachable"),
                    describe(e));
        }
        try {
            MigrationState state = migrations.state();
            return new DirectProbe(version, new DatabaseStatus.Migrations(state.currentVersion(), state.applied(),
                    state.pending().size(), state.pending(), null), null);
        } catch (RuntimeException e) {
            return new DirectProbe(version, new DatabaseStatus.Migrations(null, null, null, null, describe(e)), null);
        }
    }

    /** A short, credential-free description of a connection failure. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (failure instanceof io.smallrye.mutiny.TimeoutException) {
            return "no answer within " + PROBE_TIMEOUT.toSeconds() + " s";
        }
        return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
