package dev.cpdb.database.replica;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One replica of {@code DATABASE_READ_URL} in {@code GET /api/db/status}; never holds credentials.
 *
 * @param state streaming (serves reads), lagging, down, not-in-recovery or unchecked
 * @param lagSeconds how far behind the primary it is, from its last check; absent when unknown
 * @param replayed the WAL position it replayed up to at its last check
 * @param pooler what its pool is set up for: none, session or transaction
 * @param poolerReason why
 * @param error why its last check or read failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicaStatus(String host, int port, String database, String state, Double lagSeconds,
        String replayed, String pooler, String poolerReason, String error) {
}
