package dev.cpdb.backup.engine;

import java.io.IOException;
import java.io.InputStream;
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
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Restores a backup script over a direct connection in one transaction: everything or nothing.
 *
 * <p>
 * The target must not hold what the backup restores: none of the schemas the backup holds (public, when it holds
 * public, must have no user objects) and none of the extensions it creates. Other schemas, such as a hosting
 * platform's, may be there and are left alone. With {@code clean} the backup's own schemas are dropped first, inside
 * the same transaction, and nothing else: what the backup holds is known from the script's checking pass
 * ({@link #inspect}) before any statement runs. Only the statement forms of {@link ScriptForms} run: callers check the
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

    /** Where the checking pass sends data blocks: it only looks at them. */
    private static final ScriptReader.DataSink<RuntimeException> DISCARD = (bytes, offset, length) -> {
    };

    private static final Pattern COPY_TARGET = Pattern
            .compile("(?is)^\\s*COPY\\s+(\"(?:[^\"]|\"\")*\"\\.\"(?:[^\"]|\"\")*\"|\\S+)");

    /** The server's (English) message for a role it does not have, e.g. in {@code OWNER TO} or {@code GRANT}. */
    private static final Pattern MISSING_ROLE = Pattern.compile("role (\".*\") does not exist");

    /** SQLSTATE undefined_object, which a missing role raises. */
    private static final String UNDEFINED_OBJECT = "42704";

    /** Phase of the refusals of {@link #check}. */
    public static final String CHECKING = ScriptForms.CHECKING;

    /**
     * What a script creates, found by its checking pass.
     *
     * @param statements the number of statements
     * @param schemas the schemas it creates ({@code CREATE SCHEMA}), sorted; public is never created
     * @param extensions the extensions it creates, sorted
     * @param dataBlocks the size of each of its {@code COPY} data blocks
     */
    public record ScriptContents(long statements, List<String> schemas, List<String> extensions,
            DataBlocks dataBlocks) {

        public ScriptContents {
            schemas = List.copyOf(schemas);
            extensions = List.copyOf(extensions);
        }

        /**
         * What the backup holds on a target: these schemas, plus public when the backup's manifest lists it (a
         * script uses public without creating it).
         */
        public Holdings holdings(boolean holdsPublic) {
            java.util.TreeSet<String> held = new java.util.TreeSet<>(schemas);
            if (holdsPublic) {
                held.add("public");
            }
            return new Holdings(List.copyOf(held), extensions, dataBlocks);
        }
    }

    /**
     * The schemas and extensions a backup holds: what a restore requires to be absent from the target and what
     * {@code --clean} drops; and the sizes of its data blocks, as the checking pass measured them.
     */
    public record Holdings(List<String> schemas, List<String> extensions, DataBlocks dataBlocks) {

        public Holdings {
            schemas = List.copyOf(schemas);
            extensions = List.copyOf(extensions);
        }

        /** Holdings known without a checking pass: the restore finds the end of each data block itself. */
        public Holdings(List<String> schemas, List<String> extensions) {
            this(schemas, extensions, DataBlocks.UNMEASURED);
        }
    }

    private static final String NAME = "(\"(?:[^\"]|\"\")+\"|[^\\s\"]+)";
    private static final Pattern CREATES_SCHEMA = Pattern.compile("(?is)^\\s*CREATE\\s+SCHEMA\\s+" + NAME + "\\s*$");
    private static final Pattern CREATES_EXTENSION = Pattern
            .compile("(?is)^\\s*CREATE\\s+EXTENSION\\s+IF\\s+NOT\\s+EXISTS\\s+" + NAME + "\\s");

    /** The name a schema or extension statement creates, as the server reads it; null for other statements. */
    static String createdName(ScriptForms.Form form, String sql) {
        Pattern pattern = switch (form.name()) {
            case "schema" -> CREATES_SCHEMA;
            case "extension" -> CREATES_EXTENSION;
            default -> null;
        };
        if (pattern == null) {
            return null;
        }
        Matcher matcher = pattern.matcher(sql);
        if (!matcher.find()) {
            throw new BackupException(ScriptForms.CHECKING, "cannot read the name in: " + ScriptReader.summary(sql),
                    false);
        }
        String name = matcher.group(1);
        if (name.startsWith("\"")) {
            return name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        StringBuilder folded = new StringBuilder();
        name.chars().forEach(c -> folded.append((char) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c)));
        return folded.toString();
    }

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
     * @param clean must be false here: {@code --clean} needs to know what the backup holds (see the overload with
     *        {@link Holdings}), so that it drops nothing else
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
        return inspect(script, ownersAndPrivileges).statements();
    }

    /**
     * Like {@link #check}, also collecting what the script creates, so that a restore knows the schemas and
     * extensions the backup holds before it runs anything.
     */
    public static ScriptContents inspect(InputStream script, boolean ownersAndPrivileges) {
        ScriptReader reader = new ScriptReader(script);
        ScriptForms.Checker checker = new ScriptForms.Checker(ownersAndPrivileges);
        long statements = 0;
        java.util.TreeSet<String> schemas = new java.util.TreeSet<>();
        java.util.TreeSet<String> extensions = new java.util.TreeSet<>();
        DataBlocks.Builder dataBlocks = new DataBlocks.Builder();
        try {
            Optional<ScriptReader.ScriptStatement> next;
            while ((next = reader.next()).isPresent()) {
                statements++;
                ScriptForms.Form form = checker.check(next.get());
                String created = createdName(form, next.get().sql());
                if (created != null) {
                    (form.name().equals("schema") ? schemas : extensions).add(created);
                }
                if (next.get().copyFromStdin() != (form.kind() == ScriptForms.Kind.DATA)) {
                    throw new BackupException(ScriptForms.CHECKING, "line " + next.get().line()
                            + " is refused: a COPY cpdb does not write", false);
                }
                if (form.kind() == ScriptForms.Kind.DATA) {
                    dataBlocks.add(reader.copyData(DISCARD));
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
        return new ScriptContents(statements, List.copyOf(schemas), List.copyOf(extensions), dataBlocks.build());
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
        return restore(connection, script, null, clean, ownersAndPrivileges, applyOwnership, beforeCommit);
    }

    /**
     * Runs {@code script}, which holds {@code holdings} (from its checking pass, {@link #inspect}): the target must
     * not hold them, or with {@code clean} they are dropped first, and nothing else is.
     *
     * @param holdings what the backup holds; null when unknown, in which case the target must hold no user objects at
     *        all and {@code clean} is refused
     * @see #restore(Connection, InputStream, boolean, boolean, boolean, CommitCheck)
     */
    public static RestoreResult restore(Connection connection, InputStream script, Holdings holdings, boolean clean,
            boolean ownersAndPrivileges, boolean applyOwnership, CommitCheck beforeCommit) {
        if (clean && holdings == null) {
            throw new IllegalArgumentException("--clean needs the schemas the backup holds, from its checking pass");
        }
        RestoreEngine engine = new RestoreEngine(connection);
        try {
            connection.setAutoCommit(false);
            RestoreResult result = engine.run(script, holdings, clean, ownersAndPrivileges, applyOwnership,
                    beforeCommit);
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

    private RestoreResult run(InputStream script, Holdings holdings, boolean clean, boolean ownersAndPrivileges,
            boolean applyOwnership, CommitCheck beforeCommit) throws SQLException, IOException {
        if (holdings == null) {
            List<String> existing = userObjects();
            existing.addAll(LargeObjects.inTarget(connection));
            if (!existing.isEmpty()) {
                throw new BackupException(phase, "the target database is not empty (" + String.join(", ", existing)
                        + "); restore into an empty database", false);
            }
        } else {
            prepareTarget(holdings, clean);
        }
        raiseWorkMemory();
        ScriptReader reader = new ScriptReader(script);
        ScriptForms.Checker checker = new ScriptForms.Checker(ownersAndPrivileges);
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        DataBlocks dataBlocks = holdings == null ? DataBlocks.UNMEASURED : holdings.dataBlocks();
        Map<String, Long> rows = new LinkedHashMap<>();
        long statements = 0;
        int copies = 0;
        Optional<ScriptReader.ScriptStatement> next;
        while ((next = reader.next()).isPresent()) {
            ScriptReader.ScriptStatement statement = next.get();
            statements++;
            ScriptForms.Form form = checker.check(statement);
            if (statement.copyFromStdin() != (form.kind() == ScriptForms.Kind.DATA)) {
                throw new BackupException(ScriptForms.CHECKING, "line " + statement.line()
                        + " is refused: a COPY cpdb does not write", false);
            }
            String created = createdName(form, statement.sql());
            if (created != null && holdings != null && !(form.name().equals("schema") ? holdings.schemas()
                    : holdings.extensions()).contains(created)) {
                throw new BackupException(ScriptForms.CHECKING, "line " + statement.line() + " is refused: it creates "
                        + form.name() + " " + created + ", which the checking pass did not find", false);
            }
            if (!applyOwnership && (form.kind() == ScriptForms.Kind.OWNERSHIP
                    || form.kind() == ScriptForms.Kind.GRANTOR || form.kind() == ScriptForms.Kind.GRANTOR_RESET)) {
                continue;
            }
            if (statement.copyFromStdin()) {
                ScriptReader.DataBlock measured = dataBlocks.get(copies++);
                if (measured == null && dataBlocks.measured()) {
                    throw new BackupException(ScriptForms.CHECKING, "line " + statement.line() + " is refused: a COPY "
                            + "the checking pass did not find", false);
                }
                String table = copyTarget(statement.sql());
                phase = "loading " + table;
                // A table's rows may come in several COPY blocks (one per chunk of a parallel backup).
                rows.merge(table, load(copy, statement.sql(), reader, measured), Long::sum);
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
        if (dataBlocks.get(copies) != null) {
            throw new BackupException(ScriptForms.CHECKING, "the script has fewer COPY blocks than the checking pass "
                    + "found: it changed between the passes", false);
        }
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
     * Runs one {@code COPY ... FROM stdin} with the data block that follows it in the script, passed from the reader's
     * buffer straight to the driver. An active copy is cancelled when anything fails.
     *
     * @param measured the block's size from the checking pass, or null to find its end
     * @return the rows the server loaded
     */
    private static long load(CopyManager copy, String sql, ScriptReader reader, ScriptReader.DataBlock measured)
            throws SQLException, IOException {
        CopyIn in = copy.copyIn(sql);
        try {
            if (measured == null) {
                reader.copyData(in::writeToCopy);
            } else {
                reader.copyData(measured, in::writeToCopy);
            }
            return in.endCopy();
        } catch (SQLException | IOException | RuntimeException e) {
            // The reason the copy stopped is the one to report, not a failure to cancel it on a broken connection.
            if (in.isActive()) {
                try {
                    in.cancelCopy();
                } catch (SQLException cancel) {
                    e.addSuppressed(cancel);
                }
            }
            throw e;
        }
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

    /**
     * Checks that the target holds none of what the backup restores; with {@code clean}, drops the backup's schemas
     * that it holds instead (the extensions in them go with them). An extension the backup creates that the target
     * has in a schema the backup does not hold is refused even with {@code clean}: dropping it would reach into
     * objects the backup did not create.
     */
    private void prepareTarget(Holdings holdings, boolean clean) throws SQLException {
        List<String> schemas = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (String schema : existing("SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY (?) "
                + "AND n.nspname <> 'public' ORDER BY 1", holdings.schemas())) {
            schemas.add(schema);
            conflicts.add("schema " + schema);
        }
        boolean publicInUse = false;
        if (holdings.schemas().contains("public")) {
            List<String> inPublic = userObjectsInPublic();
            publicInUse = !inPublic.isEmpty();
            conflicts.addAll(inPublic);
        }
        List<String> foreignExtensions = new ArrayList<>();
        for (String row : existing("SELECT x.extname || ' ' || n.nspname FROM pg_catalog.pg_extension x "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = ANY (?) ORDER BY 1",
                holdings.extensions())) {
            String name = row.substring(0, row.lastIndexOf(' '));
            String schema = row.substring(row.lastIndexOf(' ') + 1);
            conflicts.add("extension " + name + " (in schema " + schema + ")");
            if (!holdings.schemas().contains(schema)) {
                foreignExtensions.add("extension " + name + " is installed in schema " + schema);
            }
        }
        if (holdings.schemas().contains("public") && existing("SELECT n.nspname FROM pg_catalog.pg_namespace n "
                + "WHERE n.nspname = ANY (?)", List.of("public")).isEmpty()) {
            // The script uses public without creating it, as a fresh database has it.
            try (Statement statement = connection.createStatement()) {
                createPublic(statement);
            }
        }
        // Large objects belong to the database, not to a schema: any in the target may clash with the backup's oids.
        // --clean unlinks each one the backup recreates just before it does (see LargeObjects).
        conflicts.addAll(LargeObjects.inTarget(connection));
        if (conflicts.isEmpty()) {
            return;
        }
        if (!clean) {
            throw new BackupException(phase,
                    "the target database is not empty: it already holds what the backup restores ("
                            + summary(conflicts)
                            + "); restore into a database without them, or use --clean to drop the "
                            + "backup's schemas (" + String.join(", ", holdings.schemas()) + ") first",
                    false);
        }
        if (!foreignExtensions.isEmpty()) {
            throw new BackupException(phase, String.join("; ", foreignExtensions) + ", which the backup does not "
                    + "hold (it holds " + String.join(", ", holdings.schemas()) + "); --clean drops only the "
                    + "backup's schemas, so drop or move the extension on the target first", false);
        }
        phase = "dropping the backup's schemas (--clean)";
        try (Statement statement = connection.createStatement()) {
            for (String schema : schemas) {
                statement.execute("DROP SCHEMA " + Sql.ident(schema) + " CASCADE");
            }
            if (publicInUse) {
                recreatePublic(statement);
            }
        }
    }

    private List<String> existing(String sql, List<String> names) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", names.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    /** The user objects of the public schema (not extension members), up to a few. */
    private List<String> userObjectsInPublic() throws SQLException {
        String sql = "SELECT 'table public.' || c.relname FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                + "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND NOT EXISTS (SELECT 1 FROM "
                + "pg_catalog.pg_depend e WHERE e.objid = c.oid AND e.deptype = 'e') "
                + "UNION ALL SELECT 'function public.' || p.proname FROM pg_catalog.pg_proc p "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND NOT EXISTS "
                + "(SELECT 1 FROM pg_catalog.pg_depend e WHERE e.objid = p.oid AND e.deptype = 'e') "
                + "UNION ALL SELECT 'type public.' || t.typname FROM pg_catalog.pg_type t "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' "
                + "AND t.typtype IN ('e', 'd', 'r') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e "
                + "WHERE e.objid = t.oid AND e.deptype = 'e') LIMIT 6";
        List<String> found = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    private static String summary(List<String> conflicts) {
        return conflicts.size() <= 5 ? String.join(", ", conflicts)
                : String.join(", ", conflicts.subList(0, 5)) + ", ...";
    }

    /** Drops the public schema with everything in it and creates it again as a fresh database has it. */
    private void recreatePublic(Statement statement) throws SQLException {
        statement.execute("DROP SCHEMA public CASCADE");
        createPublic(statement);
    }

    private void createPublic(Statement statement) throws SQLException {
        statement.execute("CREATE SCHEMA public");
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

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The failure that caused the rollback is what the caller reports.
        }
    }
}
