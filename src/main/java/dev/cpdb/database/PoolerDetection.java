package dev.cpdb.database;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.cpdb.database.PoolerDecision.Basis;

/**
 * Decides, for {@code CPDB_POOLER=auto}, whether the runtime pool needs the transaction-pooler settings. Host names
 * and ports prove nothing (pooler services are often called {@code db} and listen on 5432), so unless the URL names a
 * pooler outright the server is asked (see {@link PoolerProbe}), and the safe settings are chosen whenever it is not
 * certain that nothing sits in between.
 */
public final class PoolerDetection {

    private PoolerDetection() {
    }

    /**
     * The decision for an external database's runtime pool.
     *
     * @param declared the {@code CPDB_POOLER} setting
     * @param runtime {@code DATABASE_URL}
     * @param migration {@code DATABASE_MIGRATION_URL}, when set
     * @param ask asks the server through {@code runtime}; only called when the decision needs it
     */
    public static PoolerDecision decide(PoolerMode declared, DatabaseUrl runtime, Optional<DatabaseUrl> migration,
            Supplier<ServerAnswers> ask) {
        return decide("DATABASE_URL", declared, runtime, migration, ask);
    }

    /**
     * The decision for the pool of one read replica, whose reasons name {@code DATABASE_READ_URL}.
     *
     * @param replica one entry of {@code DATABASE_READ_URL}
     * @param ask asks the server through {@code replica}; only called when the decision needs it
     */
    public static PoolerDecision decideForReplica(PoolerMode declared, DatabaseUrl replica,
            Supplier<ServerAnswers> ask) {
        return decide("DATABASE_READ_URL", declared, replica, Optional.empty(), ask);
    }

    /** @param setting the variable {@code runtime} comes from, as the reasons name it */
    private static PoolerDecision decide(String setting, PoolerMode declared, DatabaseUrl runtime,
            Optional<DatabaseUrl> migration, Supplier<ServerAnswers> ask) {
        if (declared != PoolerMode.AUTO) {
            return new PoolerDecision(declared, declared, Basis.DECLARED,
                    "CPDB_POOLER is " + declared.settingValue());
        }
        Optional<String> conventional = PoolerMode.conventionalPoolerAddress(setting, runtime.endpoint());
        if (conventional.isPresent()) {
            return new PoolerDecision(declared, PoolerMode.TRANSACTION, Basis.ADDRESS, conventional.get());
        }
        ServerAnswers answers = ask.get();
        if (answers.failure() != null) {
            return new PoolerDecision(declared, PoolerMode.TRANSACTION, Basis.UNASKED,
                    "PostgreSQL could not be asked through " + setting + " at start-up (" + answers.failure()
                            + "), so the transaction-pooler settings are used");
        }
        Optional<String> sharedBackends = sharedBackends(answers.backends());
        if (sharedBackends.isPresent()) {
            return new PoolerDecision(declared, PoolerMode.TRANSACTION, Basis.SERVER_CERTAIN,
                    sharedBackends.get() + ": a transaction pooler sits in front of PostgreSQL");
        }
        List<String> suspicions = new ArrayList<>();
        DatabaseEndpoint dialled = runtime.endpoint();
        migration.map(DatabaseUrl::endpoint)
                .filter(direct -> !direct.host().equalsIgnoreCase(dialled.host()) || direct.port() != dialled.port())
                .ifPresent(direct -> suspicions.add(setting + " (" + address(dialled) + ") and "
                        + "DATABASE_MIGRATION_URL (" + address(direct) + ") are different addresses"));
        suspicions.addAll(endpointMismatches(dialled, answers.backends().get(0)));
        if (!suspicions.isEmpty()) {
            return new PoolerDecision(declared, PoolerMode.TRANSACTION, Basis.SERVER_SUSPECTED,
                    String.join("; ", suspicions) + ": something may sit in front of PostgreSQL, so the "
                            + "transaction-pooler settings are used (set CPDB_POOLER=none or session if nothing "
                            + "there pools transactions)");
        }
        return new PoolerDecision(declared, PoolerMode.NONE, Basis.SERVER_CONFIRMED,
                "PostgreSQL answers on the address and port cpdb dialled (" + address(dialled)
                        + ") and kept one backend per client connection");
    }

    /** The decision when nothing can sit in between: the embedded server. */
    public static PoolerDecision embedded(PoolerMode declared) {
        PoolerMode mode = declared == PoolerMode.AUTO ? PoolerMode.NONE : declared;
        return new PoolerDecision(declared, mode, declared == PoolerMode.AUTO ? Basis.EMBEDDED : Basis.DECLARED,
                declared == PoolerMode.AUTO ? "the embedded server is reached directly"
                        : "CPDB_POOLER is " + declared.settingValue());
    }

    /** Evidence that backends serve more than one client connection, or one connection several backends. */
    static Optional<String> sharedBackends(List<ServerAnswers.Backend> backends) {
        for (int connection = 0; connection < 2; connection++) {
            int c = connection;
            List<Integer> pids = backends.stream().filter(b -> b.connection() == c).map(ServerAnswers.Backend::pid)
                    .distinct().toList();
            if (pids.size() > 1) {
                return Optional.of("one client connection was served by backends " + pids.stream()
                        .map(String::valueOf).collect(Collectors.joining(" and ")));
            }
        }
        Set<Integer> first = backends.stream().filter(b -> b.connection() == 0).map(ServerAnswers.Backend::pid)
                .collect(Collectors.toSet());
        return backends.stream()
                .filter(b -> b.connection() == 1 && first.contains(b.pid()))
                .findFirst()
                .map(b -> "two client connections were served by the same backend (pid " + b.pid() + ")");
    }

    /** Ways the server's view of the connection differs from what cpdb dialled. */
    static List<String> endpointMismatches(DatabaseEndpoint dialled, ServerAnswers.Backend backend) {
        List<String> mismatches = new ArrayList<>();
        if (backend.serverPort() == null) {
            mismatches.add("PostgreSQL sees a Unix-socket client although cpdb dialled " + address(dialled));
            return mismatches;
        }
        if (backend.serverPort() != dialled.port() || backend.portSetting() != dialled.port()) {
            mismatches.add("PostgreSQL answers on port " + backend.serverPort()
                    + (backend.portSetting() != backend.serverPort() ? " (port setting " + backend.portSetting() + ")"
                            : "")
                    + " while cpdb dialled port " + dialled.port());
        }
        if (backend.serverAddress() != null && !addressOf(dialled.host(), backend.serverAddress())) {
            mismatches.add("PostgreSQL answers on " + backend.serverAddress() + ", which is not an address of "
                    + dialled.host());
        }
        return mismatches;
    }

    /** Whether {@code host} resolves to {@code address}; both loopback counts as the same machine. */
    private static boolean addressOf(String host, String address) {
        try {
            InetAddress server = InetAddress.getByName(address);
            InetAddress[] resolved = InetAddress.getAllByName(host);
            return Stream.of(resolved).anyMatch(candidate -> candidate.equals(server)
                    || candidate.isLoopbackAddress() && server.isLoopbackAddress());
        } catch (UnknownHostException e) {
            // The connection was made, so the name resolved a moment ago; no basis for a suspicion.
            return true;
        }
    }

    private static String address(DatabaseEndpoint endpoint) {
        return endpoint.host() + ":" + endpoint.port();
    }
}
