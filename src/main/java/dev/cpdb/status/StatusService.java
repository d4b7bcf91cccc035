package dev.cpdb.status;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.database.ConnectionPlan;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseEndpoint;
import dev.cpdb.database.replica.ReadPath;
import dev.cpdb.health.DatabaseProbe;
import dev.cpdb.health.ServiceReadiness;
import dev.cpdb.migration.MigrationState;
import io.smallrye.mutiny.Uni;

/**
 * Assembles {@link DatabaseStatus} from the shared {@link DatabaseProbe} and the readiness verdict, so a status
 * request never opens a connection of its own however many arrive at once.
 */
@ApplicationScoped
public class StatusService {

    private final Database database;
    private final DatabaseProbe probe;
    private final ServiceReadiness readiness;
    private final ReadPath readPath;

    public StatusService(Database database, DatabaseProbe probe, ServiceReadiness readiness, ReadPath readPath) {
        this.database = database;
        this.readPath = readPath;
        this.probe = probe;
        this.readiness = readiness;
    }

    /** Builds the full status of the serving instance; never fails, unreachable paths are reported inside it. */
    public Uni<DatabaseStatus> status() {
        return Uni.combine().all().unis(probe.result(), readiness.verdict()).asTuple()
                .onItem().transform(both -> assemble(both.getItem1(), both.getItem2().ready(), true));
    }

    /** The same for the {@code status} command, without {@code ready}: a command process serves no traffic. */
    public Uni<DatabaseStatus> commandStatus() {
        return probe.result()
                .onItem().transform(result -> assemble(result, null, false));
    }

    private DatabaseStatus assemble(DatabaseProbe.Result result, Boolean ready, boolean servesTraffic) {
        ConnectionPlan plan = database.plan();
        DatabaseStatus.Embedded embedded = database.embeddedInfo()
                .map(info -> new DatabaseStatus.Embedded(info.dataDirectory().toString(), info.port(),
                        info.ownedByThisProcess()))
                .orElse(null);
        MigrationState state = result.migrations();
        DatabaseStatus.Migrations migrations = state == null
                ? new DatabaseStatus.Migrations(null, null, null, null, result.migrationsError())
                : new DatabaseStatus.Migrations(state.currentVersion(), state.applied(), state.pending().size(),
                        state.pending(), result.migrationsError());
        boolean initialized = result.directError() == null && state != null && state.upToDate();
        return new DatabaseStatus(true, initialized, "postgresql", ready, plan.mode().settingValue(),
                database.pooler().mode().settingValue(), database.pooler().reason(),
                path(plan.runtime().endpoint(), result.runtimeError()),
                path(plan.direct().endpoint(), result.directError()),
                result.runtimeVersion() != null ? result.runtimeVersion() : result.directVersion(),
                migrations, embedded, result.plugins(), connections(result.server(), servesTraffic),
                readPath.enabled() ? readPath.status() : null);
    }

    private DatabaseStatus.Connections connections(DatabaseProbe.ServerConnections server, boolean servesTraffic) {
        DatabaseStatus.RuntimePool pool = servesTraffic
                ? database.runtimeUse().map(use -> new DatabaseStatus.RuntimePool(use.size(), use.inUse(),
                        use.waiting())).orElse(null)
                : null;
        DatabaseStatus.Server figures = server == null ? null : serverFigures(server);
        String warning = server == null ? null : warning(server, figures);
        return new DatabaseStatus.Connections(pool, database.direct().inUse(), figures, warning);
    }

    private static DatabaseStatus.Path path(DatabaseEndpoint endpoint, String error) {
        return new DatabaseStatus.Path(endpoint.host(), endpoint.port(), endpoint.database(), error == null, error);
    }

    /** The server's figures with the share of {@code max_connections} in use, to a tenth of a percent. */
    static DatabaseStatus.Server serverFigures(DatabaseProbe.ServerConnections server) {
        double used = server.maxConnections() <= 0 ? 0
                : Math.round(1000.0 * server.total() / server.maxConnections()) / 1000.0;
        return new DatabaseStatus.Server(server.maxConnections(), server.reservedForSuperusers(), server.cpdb(),
                server.others(), used);
    }

    /** The warning status shows above {@link DatabaseStatus#WARN_SHARE} of the limit, else null. */
    static String warning(DatabaseProbe.ServerConnections server, DatabaseStatus.Server figures) {
        if (figures.used() <= DatabaseStatus.WARN_SHARE) {
            return null;
        }
        return String.format(java.util.Locale.ROOT,
                "%d of the server's max_connections (%d) are in use (%.0f %%; cpdb %d, others %d): new connections "
                        + "will soon be refused with \"too many clients\"; see the troubleshooting guide's \"Too many "
                        + "connections\"",
                server.total(), server.maxConnections(), figures.used() * 100, server.cpdb(), server.others());
    }
}
