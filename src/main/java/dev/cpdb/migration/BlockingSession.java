package dev.cpdb.migration;

/**
 * A PostgreSQL session that holds a lock a migration waits for, as {@code pg_stat_activity} shows it.
 *
 * @param pid server process id ({@code pg_terminate_backend} takes it)
 * @param applicationName the client's {@code application_name}, empty when unset
 * @param state {@code active}, {@code idle in transaction}, ...
 * @param transactionSeconds age of its open transaction, or null outside a transaction
 * @param query its current or last statement, shortened to one line
 */
public record BlockingSession(int pid, String applicationName, String state, Long transactionSeconds,
        String query) {

    /** Longest statement text a message carries. */
    static final int QUERY_LENGTH = 120;

    public BlockingSession {
        applicationName = applicationName == null ? "" : applicationName;
        state = state == null ? "unknown state" : state;
        query = shorten(query);
    }

    /** One line for logs and readiness, e.g. {@code pid 4711 (application "psql", idle in transaction for 45 s, ...)}. */
    public String describe() {
        StringBuilder text = new StringBuilder("pid ").append(pid).append(" (application \"").append(applicationName)
                .append("\", ").append(state);
        if (transactionSeconds != null) {
            text.append(", transaction open for ").append(transactionSeconds).append(" s");
        }
        if (!query.isEmpty()) {
            text.append(", statement: ").append(query);
        }
        return text.append(')').toString();
    }

    private static String shorten(String query) {
        if (query == null) {
            return "";
        }
        String line = query.strip().replaceAll("\\s+", " ");
        return line.length() <= QUERY_LENGTH ? line : line.substring(0, QUERY_LENGTH) + "…";
    }
}
