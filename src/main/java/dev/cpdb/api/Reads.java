package dev.cpdb.api;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.auth.Caller;
import dev.cpdb.database.replica.ReadPath;
import dev.cpdb.database.replica.WalPosition;
import io.quarkus.arc.Arc;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The client the services' gets and lists read with: the runtime pool itself, or with read replicas one that serves
 * the caller's reads from a replica holding the caller's latest writes and the position its request named (see
 * {@link ReadPath}). Never for a write or inside a transaction.
 */
@ApplicationScoped
public class Reads {

    private final ReadPath readPath;
    private final RequestedWalPosition requested;

    public Reads(ReadPath readPath, RequestedWalPosition requested) {
        this.readPath = readPath;
        this.requested = requested;
    }

    /** The client for the reads of {@code caller}'s current request. */
    public SqlClient client(Caller caller) {
        return readPath.client(identity(caller), readPath.enabled() ? named() : null);
    }

    /** The position the current request named; null outside a request or when it named none. */
    WalPosition named() {
        return Arc.container().requestContext().isActive() ? requested.get() : null;
    }

    /** Who a caller is for read-your-writes: the operator (every operator token alike), or one agent. */
    static String identity(Caller caller) {
        return caller.agentId().map(id -> "agent:" + id).orElse("operator");
    }
}
