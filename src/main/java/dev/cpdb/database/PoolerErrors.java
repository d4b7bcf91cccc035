package dev.cpdb.database;

import java.util.Locale;
import java.util.Set;

import io.vertx.pgclient.PgException;

/**
 * Recognises errors that only a transaction pooler produces for cpdb's own statements: a server connection that
 * already holds a statement name the client thinks is free (42P05), or lacks one it thinks is prepared (26000), or
 * holds it for another query ("cached plan must not change result type"), and an unnamed statement that another
 * client's parse replaced ("bind message supplies ...").
 */
final class PoolerErrors {

    /** Raised at parse or bind, before anything runs: the statement itself had no effect. */
    private static final Set<String> BEFORE_EXECUTION = Set.of("42P05", "26000");

    private PoolerErrors() {
    }

    /** Whether {@code failure} is one of those errors. */
    static boolean poolerOnly(Throwable failure) {
        if (!(failure instanceof PgException e) || e.getSqlState() == null) {
            return false;
        }
        String message = e.getErrorMessage() == null ? "" : e.getErrorMessage().toLowerCase(Locale.ROOT);
        return switch (e.getSqlState()) {
            case "42P05", "26000" -> message.contains("prepared statement");
            case "0A000" -> message.contains("cached plan must not change result type");
            case "08P01" -> message.startsWith("bind message supplies");
            default -> false;
        };
    }

    /** Whether {@code failure} proves the failed statement never ran. */
    static boolean beforeExecution(Throwable failure) {
        return failure instanceof PgException e && BEFORE_EXECUTION.contains(e.getSqlState());
    }

    /** Whether {@code sql} only reads: a plain query, which is always safe to run again. */
    static boolean readOnly(String sql) {
        String text = sql.strip().toUpperCase(Locale.ROOT);
        if (!text.startsWith("SELECT") && !text.startsWith("WITH")) {
            return false;
        }
        return !(text.contains("INSERT ") || text.contains("UPDATE ") || text.contains("DELETE ")
                || text.contains("NEXTVAL(") || text.contains("SETVAL("));
    }

    /** One line naming the error, for the log. */
    static String describe(Throwable failure) {
        PgException e = (PgException) failure;
        return e.getErrorMessage() + " (SQLSTATE " + e.getSqlState() + ")";
    }
}
