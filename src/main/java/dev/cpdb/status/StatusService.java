package dev.cpdb.status;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.database.ConnectionPlan;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseEndpoint;
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

    public StatusService(Database database, DatabaseProbe probe, ServiceReadiness readiness) {
        this.database = database;
        this.probe = probe;
        this.readiness = readiness;
    }

    /** Builds the full status of the serving instance; never fails, unreachable paths are reported inside it. */
    public Uni<DatabaseStatus> status() {
        return Uni.combine().all().unis(probe.result(), readiness.verdict()).asTuple()
                .onItem().transform(both -> assemble(both.getItem1(), both.getItem2().ready()));
    }

    /** The same for the {@code status} command, without {@code ready}: a command process serves no traffic. */
    public Uni<DatabaseStatus> commandStatus() {
        return probe.result()
                .onItem().transform(result -> assemble(result, null));
    }

    private DatabaseStatus assemble(DatabaseProbe.Result result, Boolean ready) {
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
                migrations, embedded, result.plugins());
    }

    private static DatabaseStatus.Path path(DatabaseEndpoint endpoint, String error) {
        return new DatabaseStatus.Path(endpoint.host(), endpoint.port(), endpoint.database(), error == null, error);
    }
}
