package dev.cpdb.status;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.cpdb.database.replica.ReplicaStatus;
import dev.cpdb.plugin.PluginsOverview;

/**
 * The answer of {@code GET /api/db/status} and {@code cpdb status}: how the database is set up and whether it is
 * usable. Never holds credentials. Anonymous callers get only {@code configured}, {@code initialized},
 * {@code dialect} and {@code ready} (see {@link #setupView()}); the rest needs the operator token.
 *
 * @param configured a database is available to the service (embedded or external)
 * @param initialized the core schema is reachable and fully migrated
 * @param ready the instance is ready for traffic, as {@code /q/health/ready} says; absent from the {@code status}
 *        command, which serves no traffic
 * @param pooler what the runtime pool is set up for: none, session or transaction (the safe settings)
 * @param poolerReason why that was chosen, at start-up or by an error at run time
 * @param plugins plugin namespaces: folder, isolation and each plugin's migration state
 * @param connections the runtime pool's and the direct path's use, and the server's connections against its limit
 * @param readReplicas each streaming replica of {@code DATABASE_READ_URL}: its state and lag; absent without replicas
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatabaseStatus(boolean configured, boolean initialized, String dialect, Boolean ready, String mode,
        String pooler, String poolerReason, Path runtime, Path direct, String serverVersion, Migrations migrations,
        Embedded embedded,
        PluginsOverview plugins, Connections connections, List<ReplicaStatus> readReplicas) {

    /** One connection path. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Path(String host, int port, String database, boolean reachable, String error) {
    }

    /** Core migration state; {@code error} when the history could not be read. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Migrations(String currentVersion, Integer applied, Integer pending, List<String> pendingVersions,
            String error) {
    }

    /** The embedded server, when in embedded mode. */
    public record Embedded(String dataDirectory, int port, boolean ownedByThisProcess) {
    }

    /**
     * Connection figures.
     *
     * @param runtimePool this replica's runtime pool; absent from the {@code status} command, whose pool serves no
     *        traffic
     * @param directInUse direct connections this process holds open (backups, restores, migrations, probes)
     * @param server the server's limit and client connections at the last probe; absent when the direct path failed
     * @param warning set when client connections exceed {@link #WARN_SHARE} of {@code max_connections}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Connections(RuntimePool runtimePool, int directInUse, Server server, String warning) {
    }

    /** Share of {@code max_connections} above which status warns. */
    public static final double WARN_SHARE = 0.8;

    /** The runtime pool's size, the connections in use and the work waiting for one. */
    public record RuntimePool(int size, int inUse, int waiting) {
    }

    /**
     * The server's connections.
     *
     * @param maxConnections {@code max_connections}
     * @param reservedForSuperusers {@code superuser_reserved_connections}, part of the limit
     * @param cpdb client connections carrying cpdb's application names, from every replica and command
     * @param others every other client connection
     * @param used share of {@code max_connections} in use by all client connections, 0 to 1
     */
    public record Server(int maxConnections, int reservedForSuperusers, long cpdb, long others, double used) {
    }

    /** What a setup check needs and nothing more: no hosts, ports, folders or error text. */
    public DatabaseStatus setupView() {
        return new DatabaseStatus(configured, initialized, dialect, ready, null, null, null, null, null, null, null,
                null, null, null, null);
    }
}
