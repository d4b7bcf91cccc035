package dev.cpdb.backup.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Restores a backup script over a direct connection in one transaction: everything or nothing.
 *
 * <p>
 * The target must hold no user objects, unless {@code clean} is requested, in which case every non-system schema is
 * dropped first, inside the same transaction. Only the statement forms of {@link ScriptForms} run: callers check the
 * whole script with {@link #check} before they restore it, and the restore checks every statement again before it
 * runs it. The caller's {@code beforeCommit} check (checksum and size of the data object, read a second time) runs
 * after the last statement and before the commit, so a corrupt, truncated or replaced backup is rolled back.
 * Blocking by design (JDBC).
 */
public final class RestoreEngine {

    /** Memory for index builds during a restore (256 MiB), unless the server already allows more. */
    static final long RESTORE_MAINTENANCE_WORK_MEM_KB = 256 * 1024;
    /** Memory per sort or hash, used by the foreign-key checks (64 MiB), unless the server already allows more. */
    static final long RESTORE_WORK_MEM_KB = 64 * 1024;

    private static final Pattern COPY_TARGET = Pattern
            .compile("(?is)^\\s*COPY\\s+(\"(?:[^\"]|\"\")*\"\\.\"(?:[^\"]|\"\")*\"|\\S+)");

    /** The server's (English) message for a role it does not have, e.g. in {@code OWNER TO} or {@code GRANT}. */
    private static final Pattern MISSING_ROLE = Pattern.compile("role (\".*\") does not exist");

    /** SQLSTATE undefined_object, which a missing role raises. */
    private static final String UNDEFINED_OBJECT = "42704";

    /** Phase of the refusals of {@link #check}. */
    public static final String CHECKING = ScriptForms.CHECKING;

    /** Checks that run after the script and before the commit; throwing rolls the restore back. */
    @FunctionalInterface
    public interface CommitCheck {
        void verify() throws IOException;
    }

    private final Connection connection;
    private String phase = "checking the target";

    private RestoreEngine(Connection connection) {
        this.connection = connection;
    }

    /**
     * Runs {@code script} against the database of {@code connection}.
     *
     * @param connection a direct connection; its session settings are changed by the script, close it afterwards
     * @param script the plain (decompressed) script; read to the end, not closed here
     * @param clean drop every non-system schema first instead of refusing a non-empty target
     * @param beforeCommit verification run before the commit
     * @throws BackupException naming the phase; the target is unchanged
     */
    public static RestoreResult restore(Connection connection, InputStream script, boolean clean,
            CommitCheck beforeCommit) {
        return restore(connection, script, clean, true, beforeCommit);
    }

    /**
     * Reads a whole script without running anything and checks every statement against {@link ScriptForms}, the
     * {@code COPY} data blocks and the end marker: what passes here is what {@link #restore} would run.
     *
     * @param script the plain (decompressed) script; read to the end, not closed here
     * @param ownersAndPrivileges whether the backup's manifest says it carries owners and privileges
     * @return the number of statements
     * @throws BackupException naming the line and the reason of the first refusal
     */
    public static long check(InputStream script, boolean ownersAndPrivileges) {
        ScriptReader reader = new ScriptReader(script);
        ScriptForms.Checker checker = new ScriptForms.Checker(ownersAndPrivileges);
        long statements = 0;
        try {
            Optional<ScriptReader.ScriptStatement> next;
            while ((next = reader.next()).isPresent()) {
                statements++;
                ScriptForms.Form form = checker.check(next.get());
                if (next.get().copyFromStdin() != (form.kind() == ScriptForms.Kind.DATA)) {
                    throw new BackupException(ScriptForms.CHECKING, "line " + next.get().line()
                            + " is refused: a COPY cpdb does not write", false);
                }
                if (form.kind() == ScriptForms.Kind.DATA) {
                    reader.copyData().transferTo(OutputStream.nullOutputStream());
                }
            }
            checker.finish();
        } catch (IOException e) {
            throw new BackupException(ScriptForms.CHECKING, "the script is unreadable: " + e.getMessage(), false, e);
        }
        if (!reader.endMarkerSeen()) {
            throw new BackupException(ScriptForms.CHECKING, "the script is incomplete (its end marker is missing); "
                    + "the backup is truncated or was not written by cpdb", false);
        }
        return statements;
    }

    /**
     * Runs {@code script} against the database of {@code connection}, refusing (and rolling back at) any statement
     * outside {@link ScriptForms}.
     *
     * @param ownersAndPrivileges whether the backup's manifest says it carries owners and privileges
     * @see #restore(Connection, InputStream, boolean, CommitCheck)
     */
    public static RestoreResult restore(Connection connection, InputStream script, boolean clean,
            boolean ownersAndPrivileges, CommitCheck beforeCommit) {
        return restore(connection, script, clean, ownersAndPrivileges, true, beforeCommit);
    }

    /**
     * Runs {@code script}, applying its owners and privileges only when {@code applyOwnership}; otherwise their
     * statements are checked and skipped (a restore drill's role may not act for the roles they name).
     *
     * @see #restore(Connection, InputStream, boolean, boolean, CommitCheck)
     */
    public static RestoreResult restore(Connection connection, InputStream script, boolean clean,
            boolean ownersAndPrivileges, boolean applyOwnership, CommitCheck beforeCommit) {
        RestoreEngine engine = new RestoreEngine(connection);
        try {
            connection.setAutoCommit(false);
            RestoreResult result = engine.run(script, clean, ownersAndPrivileges, applyOwnership, beforeCommit);
            engine.phase = "committing";
            connection.commit();
            return result;
        } catch (SQLException e) {
            rollback(connection);
            throw new BackupException(engine.phase, reason(e), false, e);
        } catch (IOException e) {
            rollback(connection);
            throw new BackupException(engine.phase, e.getMessage(), false, e);
        } catch (RuntimeException e) {
            rollback(connection);
            throw e;
        }
    }

    private RestoreResult run(InputStream script, boolean clean, boolean ownersAndPrivileges, boolean applyOwnership,
            CommitCheck beforeCommit) throws SQLException, IOException {
        List<String> existing = userObjects();
        existing.addAll(LargeObjects.inTarget(connection));
        if (!existing.isEmpty()) {
            if (!clean) {
                throw new BackupException(phase, "the target database is not empty (" + String.join(", ", existing)
                        + "); restore into an empty database, or use --clean to drop its schemas first", false);
            }
            phase = "dropping existing schemas (--clean)";
            dropUserSchemas();
        }
        raiseWorkMemory();
        ScriptReader reader = new ScriptReader(script);
        ScriptForms.Checker checker = new ScriptForms.Checker(ownersAndPrivileges);
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        Map<String, Long> rows = new LinkedHashMap<>();
        long statements = 0;
        Optional<ScriptReader.ScriptStatement> next;
        while ((next = reader.next()).isPresent()) {
            ScriptReader.ScriptStatement statement = next.get();
            statements++;
            ScriptForms.Form form = checker.check(statement);
            if (statement.copyFromStdin() != (form.kind() == ScriptForms.Kind.DATA)) {
                throw new BackupException(ScriptForms.CHECKING, "line " + statement.line()
                        + " is refused: a COPY cpdb does not write", false);
            }
            if (!applyOwnership && (form.kind() == ScriptForms.Kind.OWNERSHIP
                    || form.kind() == ScriptForms.Kind.GRANTOR || form.kind() == ScriptForms.Kind.GRANTOR_RESET)) {
                continue;
            }
            if (statement.copyFromStdin()) {
                String table = copyTarget(statement.sql());
                phase = "loading " + table;
                // A table's rows may come in several COPY blocks (one per chunk of a parallel backup).
                rows.merge(table, copy.copyIn(statement.sql(), reader.copyData()), Long::sum);
            } else {
                phase = "running line " + statement.line() + ": " + ScriptReader.summary(statement.sql());
                if (clean) {
                    LargeObjects.unlinkBeforeCreate(connection, form, statement.sql());
                }
                try (Statement jdbc = connection.createStatement()) {
                    jdbc.setEscapeProcessing(false);
                    jdbc.execute(statement.sql());
                }
            }
        }
        checker.finish();
        phase = "checking the end of the script";
        if (!reader.endMarkerSeen()) {
            throw new BackupException(phase, "the script is incomplete (its end marker is missing); the backup is "
                    + "truncated or was not written by cpdb", false);
        }
        phase = "verifying the backup's checksum";
        beforeCommit.verify();
        return new RestoreResult(statements, rows, checker.largeObjects());
    }

    /**
     * Gives this transaction more memory for sorts and hashes than the usual defaults, where the server's own settings
     * are lower: index builds and foreign-key checks after the data load are most of a restore's server time, and
     * they spill to disk at the defaults. Transaction-local, so the connection and the server are left as they were.
     */
    private void raiseWorkMemory() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_catalog.set_config(s.name, v.kb || 'kB', true) FROM pg_catalog.pg_settings s "
                    + "JOIN (VALUES ('maintenance_work_mem', " + RESTORE_MAINTENANCE_WORK_MEM_KB + "), ('work_mem', "
                    + RESTORE_WORK_MEM_KB + ")) AS v (name, kb) ON v.name = s.name WHERE s.setting::bigint < v.kb");
        }
    }

    /**
     * The server's message, and for a role the target server lacks what to do about it: a script with owners and
     * privileges (or a policy) names roles, which belong to the server rather than to the database.
     */
    private static String reason(SQLException e) {
        String message = e.getMessage();
        if (message == null || !UNDEFINED_OBJECT.equals(e.getSQLState())) {
            return message;
        }
        Matcher role = MISSING_ROLE.matcher(message);
        if (!role.find()) {
            return message;
        }
        return message + " (create role " + role.group(1) + " on the target server first: roles belong to the server, "
                + "not to a database, and are never part of a backup)";
    }

    private static String copyTarget(String sql) {
        Matcher matcher = COPY_TARGET.matcher(sql);
        if (!matcher.find()) {
            return "table";
        }
        return matcher.group(1).replace("\"\"", "\u0000").replace("\"", "").replace("\u0000", "\"");
    }

    /** Names of what makes the target non-empty, for the refusal message. */
    private List<String> userObjects() throws SQLException {
        List<String> found = new ArrayList<>();
        String sql = "SELECT 'schema ' || n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname !~ '^pg_' "
                + "AND n.nspname NOT IN ('information_schema', 'public') AND NOT EXISTS (SELECT 1 FROM "
                + "pg_catalog.pg_depend e WHERE e.objid = n.oid AND e.deptype = 'e') "
                + "UNION ALL SELECT 'table ' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                + "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND NOT EXISTS (SELECT 1 FROM "
                + "pg_catalog.pg_depend e WHERE e.objid = c.oid AND e.deptype = 'e') "
                + "UNION ALL SELECT 'function ' || p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM "
                + "pg_catalog.pg_depend e WHERE e.objid = p.oid AND e.deptype = 'e') "
                + "UNION ALL SELECT 'type ' || t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r') "
                + "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.objid = t.oid AND e.deptype = 'e') "
                + "UNION ALL SELECT 'extension ' || x.extname FROM pg_catalog.pg_extension x "
                + "WHERE x.extname <> 'plpgsql' LIMIT 6";
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        if (found.size() > 5) {
            found.set(5, "...");
        }
        return found;
    }

    private void dropUserSchemas() throws SQLException {
        List<String> schemas = CatalogReader.userSchemas(connection);
        try (Statement statement = connection.createStatement()) {
            for (String schema : schemas) {
                statement.execute("DROP SCHEMA " + Sql.ident(schema) + " CASCADE");
            }
            statement.execute("DROP EXTENSION IF EXISTS " + extensionsOutsideSchemas() + " CASCADE");
            // Recreate public as a fresh database has it.
            statement.execute("CREATE SCHEMA IF NOT EXISTS public");
            // PostgreSQL 15 changed the public schema's owner and default privileges.
            if (connection.getMetaData().getDatabaseMajorVersion() >= 15) {
                statement.execute("ALTER SCHEMA public OWNER TO pg_database_owner");
                statement.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
                statement.execute("GRANT USAGE ON SCHEMA public TO PUBLIC");
            } else {
                statement.execute("GRANT ALL ON SCHEMA public TO PUBLIC");
            }
            statement.execute("COMMENT ON SCHEMA public IS 'standard public schema'");
        }
    }

    private String extensionsOutsideSchemas() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'")) {
            while (rs.next()) {
                names.add(Sql.ident(rs.getString(1)));
            }
        }
        // DROP EXTENSION IF EXISTS needs at least one name; plpgsql stays, so use a name that cannot exist.
        return names.isEmpty() ? "\"cpdb-no-extension\"" : String.join(", ", names);
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The failure that caused the rollback is what the caller reports.
        }
    }
}
