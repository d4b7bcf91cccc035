package dev.cpdb.api;

import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import dev.cpdb.auth.Caller;
import dev.cpdb.auth.CurrentCaller;
import dev.cpdb.database.replica.ReadPath;
import dev.cpdb.database.replica.WalPosition;
import dev.cpdb.problem.ProblemMappers;
import io.smallrye.mutiny.Uni;

/**
 * Carries read-your-writes across requests and across instances of cpdb, when replicas are configured: a successful
 * write by an authenticated caller answers with the WAL position it reached in {@value #HEADER}; a read answers with
 * the position it had to see, when there was one. A client that sends the header back has its reads served only by
 * replicas at or past that position, by any instance of cpdb on the same primary. Without replicas the header is
 * neither read nor sent.
 */
public class ReadPositionFilter {

    /** Request and response header carrying a WAL position in PostgreSQL's text form ({@code 0/3000060}). */
    public static final String HEADER = "Cpdb-Wal-Position";

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final ReadPath readPath;
    private final Reads reads;
    private final RequestedWalPosition requested;
    private final CurrentCaller currentCaller;

    public ReadPositionFilter(ReadPath readPath, Reads reads, RequestedWalPosition requested,
            CurrentCaller currentCaller) {
        this.readPath = readPath;
        this.reads = reads;
        this.requested = requested;
        this.currentCaller = currentCaller;
    }

    @ServerRequestFilter
    public Uni<Response> readRequested(ContainerRequestContext request) {
        String header = request.getHeaderString(HEADER);
        if (header == null || !readPath.enabled()) {
            return Uni.createFrom().nullItem();
        }
        try {
            requested.set(WalPosition.parse(header.strip()));
            return Uni.createFrom().nullItem();
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(ProblemMappers.problem(400, "Header " + HEADER + " is not a WAL position: "
                    + e.getMessage() + "; send back the value of an earlier response's " + HEADER + ", or leave it "
                    + "out"));
        }
    }

    @ServerResponseFilter
    public Uni<Void> positionReached(ContainerRequestContext request, ContainerResponseContext response) {
        Optional<Caller> caller = currentCaller.find();
        if (!readPath.enabled() || caller.isEmpty() || response.getStatus() >= 400) {
            return Uni.createFrom().voidItem();
        }
        String identity = Reads.identity(caller.get());
        if (READS.contains(request.getMethod())) {
            show(response, readPath.required(identity, reads.named()));
            return Uni.createFrom().voidItem();
        }
        return readPath.wrote(identity)
                .invoke(position -> show(response, position))
                .replaceWithVoid();
    }

    private static void show(ContainerResponseContext response, WalPosition position) {
        if (position != null && position.known()) {
            response.getHeaders().putSingle(HEADER, position.text());
        }
    }
}
