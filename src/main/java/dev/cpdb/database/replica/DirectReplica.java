package dev.cpdb.database.replica;

import dev.cpdb.database.DatabaseUrl;

/**
 * One replica of {@code DATABASE_READ_URL} as work that needs a session of its own sees it (a backup reading from a
 * replica): its state now and the address to open such a session at.
 *
 * @param name {@code host:port/database} of its read URL, as logs and status name it
 * @param state its state from its last check
 * @param directUrl its entry of {@code DATABASE_READ_DIRECT_URL}, else its read URL when no transaction pooler sits in
 *        front of it; null when neither
 * @param problem why its last check or read failed; null when it answered
 * @param replayed the position its read URL had replayed to at its last check; null when not known
 */
public record DirectReplica(String name, ReplicaState state, DatabaseUrl directUrl, String problem,
        WalPosition replayed) {
}
