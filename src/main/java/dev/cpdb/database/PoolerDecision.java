package dev.cpdb.database;

/**
 * What cpdb decided sits in front of PostgreSQL on the runtime path, and why: shown in the start-up log and in
 * {@code GET /api/db/status}.
 *
 * @param declared the {@code CPDB_POOLER} setting
 * @param mode what the runtime pool is set up for; {@link PoolerMode#TRANSACTION} means the transaction-pooler-safe
 *        settings
 * @param basis what the decision rests on
 * @param reason one sentence for operators naming the evidence
 */
public record PoolerDecision(PoolerMode declared, PoolerMode mode, Basis basis, String reason) {

    /** What a decision rests on. */
    public enum Basis {
        /** {@code CPDB_POOLER} names the mode. */
        DECLARED,
        /** The embedded server: nothing can sit in between. */
        EMBEDDED,
        /** A pooler's conventional port or host name in {@code DATABASE_URL}. */
        ADDRESS,
        /** The server showed a transaction pooler: one client connection was served by several backends. */
        SERVER_CERTAIN,
        /** Something may sit in between (the server or the configuration says so), but of which kind is unknown. */
        SERVER_SUSPECTED,
        /** The server confirmed that it is the endpoint cpdb dialled. */
        SERVER_CONFIRMED,
        /** The server could not be asked at start-up, so the safe settings were chosen. */
        UNASKED,
        /** An error that only a transaction pooler produces arrived at run time. */
        RUNTIME_ERROR;

        public String settingValue() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Whether a transaction pooler is known to be there rather than only possible. */
    public boolean transactionPoolerCertain() {
        return mode == PoolerMode.TRANSACTION && basis != Basis.SERVER_SUSPECTED && basis != Basis.UNASKED;
    }

    /** The decision after a pooler-only error at run time. */
    PoolerDecision switchedAtRuntime(String evidence) {
        return new PoolerDecision(declared, PoolerMode.TRANSACTION, Basis.RUNTIME_ERROR, evidence);
    }
}
