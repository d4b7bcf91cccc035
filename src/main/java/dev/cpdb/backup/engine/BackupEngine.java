package dev.cpdb.backup.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes a logical backup of the selected schemas ({@link SchemaSelection}) as one plain SQL script that {@code psql} and cpdb's
 * {@link RestoreEngine} can restore.
 *
 * <p>
 * The whole dump runs in one {@code REPEATABLE READ, READ ONLY} transaction on a direct connection: the catalog reads
 * and every {@code COPY ... TO STDOUT} see one snapshot. {@code ACCESS SHARE} locks on every table are taken first,
 * with a lock timeout, so concurrent DDL cannot change a definition mid-way. Rows stream from the server to the
 * output without being held in memory. With more than one job the rows are copied on several connections that
 * import the main connection's exported snapshot, large tables split into block ranges ({@link ParallelCopy}); the
 * script is written in the same order either way. Blocking by design (JDBC); run it on a worker thread.
 */
public final class BackupEngine {

    /** Version of the script layout and manifest; restores refuse newer versions. */
    public static final int FORMAT_VERSION = 1;

    /** Marker written as the script's last line, so a truncated script is recognized. */
    public static final String END_MARKER = "-- cpdb backup complete";

    private static final int LOCK_BATCH = 500;

    /** Accepted values of {@link Options#jobs()}. */
    public static final int MAX_JOBS = 16;

    /** TID range scans, which split a table into block ranges, exist from PostgreSQL 14. */
    private static final int TID_RANGE_SCANS = 140000;

    /**
     * Heap bytes one COPY reads at most when a table is split; package-private so tests can force tiny chunks. A
     * chunk is also kept to half of what it may buffer, so a connection can usually fetch its whole chunk ahead and
     * move on instead of waiting for the writer.
     */
    static volatile long chunkBytes = 16L << 20;

    /** Rows copied ahead of the script writer, over all connections together. */
    private static final long BUFFERED_BYTES = 24L << 20;

    /** Opens one more direct connection to the same database, like the one handed to {@link #dump}. */
    @FunctionalInterface
    public interface ConnectionSource {

        /** A new connection that the engine closes. */
        Connection open() throws SQLException;
    }

    /**
     * Limits of one dump.
     *
     * @param lockTimeout how long to wait for each batch of table locks
     * @param deadline when the whole dump must be finished; statements get the remaining time as their timeout
     * @param jobs connections that copy rows at once; 1 copies everything on the main connection
     * @param helpers opens the other {@code jobs - 1} connections; null copies on the main connection only
     * @param cancelled tells whether the backup was cancelled from outside (checked between pieces of work)
     * @param ownersAndPrivileges also write owners, privileges and default privileges (pg_dump's default); off, the
     *        script is like {@code pg_dump --no-owner --no-privileges} and restores under any role
     * @param selection which schemas to back up
     */
    public record Options(Duration lockTimeout, Instant deadline, Clock clock,
            java.util.function.Consumer<String> phases, int jobs, ConnectionSource helpers,
            java.util.function.BooleanSupplier cancelled, boolean ownersAndPrivileges, SchemaSelection selection) {

        public Options {
            if (jobs < 1 || jobs > MAX_JOBS) {
                throw new IllegalArgumentException("jobs must be between 1 and " + MAX_JOBS + ", not " + jobs);
            }
        }

        public Options(Duration lockTimeout, Instant deadline) {
            this(lockTimeout, deadline, Clock.systemUTC(), phase -> {
            }, 1, null, () -> false, false, SchemaSelection.DEFAULT);
        }

        /** The same limits, reporting each phase as it starts. */
        public Options withPhases(java.util.function.Consumer<String> listener) {
            return new Options(lockTimeout, deadline, clock, listener, jobs, helpers, cancelled, ownersAndPrivileges,
                    selection);
        }

        /** The same limits, copying on {@code jobs} connections: the main one and helpers from {@code source}. */
        public Options withJobs(int count, ConnectionSource source) {
            return new Options(lockTimeout, deadline, clock, phases, count, source, cancelled, ownersAndPrivileges,
                    selection);
        }

        /** The same limits, stopping soon after {@code check} says the backup was cancelled. */
        public Options withCancellation(java.util.function.BooleanSupplier check) {
            return new Options(lockTimeout, deadline, clock, phases, jobs, helpers, check, ownersAndPrivileges,
                    selection);
        }

        /** The same limits, writing owners and privileges or not. */
        public Options withOwnersAndPrivileges(boolean include) {
            return new Options(lockTimeout, deadline, clock, phases, jobs, helpers, cancelled, include, selection);
        }

        /** The same limits, backing up the schemas {@code choice} selects. */
        public Options withSelection(SchemaSelection choice) {
            return new Options(lockTimeout, deadline, clock, phases, jobs, helpers, cancelled, ownersAndPrivileges,
                    choice);
        }
    }

    private final Connection connection;
    private final Options options;
    private volatile String phase = "starting the snapshot";
    /** Whether the server is a hot standby, where replay may cancel the dump (a conflict with recovery). */
    private volatile boolean standby;

    private BackupEngine(Connection connection, Options options) {
        this.connection = connection;
        this.options = options;
    }

    /**
     * Dumps the database behind {@code connection} into {@code script}.
     *
     * @param connection a direct connection; its transaction settings are changed and it should be closed afterwards
     * @param script receives the uncompressed script; not closed here
     * @return counts taken inside the snapshot
     * @throws BackupException naming the phase that failed
     */
    public static DumpResult dump(Connection connection, OutputStream script, Options options) {
        BackupEngine engine = new BackupEngine(connection, options);
        try {
            return engine.run(script);
        } catch (SQLException e) {
            throw engine.failure(e);
        } catch (IOException e) {
            throw new BackupException(engine.phase, "writing the backup failed: " + e.getMessage(), true, e);
        } finally {
            try {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            } catch (SQLException ignored) {
                // The connection is discarded by the caller; the original failure matters.
            }
        }
    }

    private DumpResult run(OutputStream target) throws SQLException, IOException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        String version;
        int versionNumber;
        String database;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_catalog.current_setting('server_version'), "
                        + "pg_catalog.current_setting('server_version_num')::int, pg_catalog.current_database(), "
                        + "pg_catalog.pg_is_in_recovery()")) {
            rs.next();
            version = rs.getString(1);
            versionNumber = rs.getInt(2);
            database = rs.getString(3);
            standby = rs.getBoolean(4);
        }
        applySettings(connection);

        phase(SchemaSelection.SELECTING);
        applyDeadline();
        SchemaSelection.Outcome selection = options.selection().resolve(connection, database);
        List<String> schemas = selection.schemas();
        if (standby) {
            refuseUnlogged(schemas);
        }
        List<String> lockTargets = CatalogReader.lockTargets(connection, schemas);
        phase("locking tables");
        for (int from = 0; from < lockTargets.size(); from += LOCK_BATCH) {
            applyDeadline();
            List<String> batch = lockTargets.subList(from, Math.min(lockTargets.size(), from + LOCK_BATCH));
            execute("LOCK TABLE " + String.join(", ", batch) + " IN ACCESS SHARE MODE");
        }
        phase("reading the schema");
        applyDeadline();
        DumpPlan plan = SchemaSelection.withoutLeftOutExtensions(
                CatalogReader.read(connection, schemas, lockTargets, options.ownersAndPrivileges()), selection);
        List<String> coreMigrations = MigrationHistory.core(connection);
        java.util.Map<String, List<String>> pluginMigrations = MigrationHistory.plugins(connection);

        CountingOutputStream out = new CountingOutputStream(target);
        phase("writing definitions");
        write(out, header(version, database, options.ownersAndPrivileges()));
        for (String statement : plan.preData()) {
            write(out, statement + "\n\n");
        }
        List<TableStats> tables;
        List<TableChunk> chunks = options.jobs() > 1 && options.helpers() != null
                ? chunks(plan.tables(), versionNumber)
                : List.of();
        if (chunks.size() > 1) {
            tables = copyInParallel(plan.tables(), chunks, out);
        } else {
            tables = copyInSequence(plan.tables(), out);
        }
        phase("copying large objects");
        LargeObjectStats largeObjects = LargeObjects.write(connection, out, options.ownersAndPrivileges(), () -> {
            checkCancelled();
            applyDeadline();
        });
        phase("writing indexes, constraints and triggers");
        for (String statement : plan.postData()) {
            write(out, statement + "\n\n");
        }
        write(out, END_MARKER + "\n");
        phase("finishing the snapshot");
        connection.commit();
        return new DumpResult(version, versionNumber, database, plan.schemas(), tables, out.bytes(), coreMigrations,
                pluginMigrations, selection, largeObjects);
    }

    /**
     * A hot standby has no rows of unlogged tables and sequences (PostgreSQL does not replicate them) and refuses to
     * read them: the backup is refused before anything is written, naming them, rather than left incomplete.
     */
    private void refuseUnlogged(List<String> schemas) throws SQLException {
        List<String> unlogged = new ArrayList<>();
        try (java.sql.PreparedStatement statement = connection.prepareStatement("SELECT pg_catalog.quote_ident("
                + "n.nspname) || '.' || pg_catalog.quote_ident(c.relname) FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relpersistence = 'u' AND c.relkind IN ('r', 'S') AND n.nspname = ANY (?) ORDER BY 1")) {
            statement.setArray(1, connection.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    unlogged.add(rs.getString(1));
                }
            }
        }
        if (!unlogged.isEmpty()) {
            throw new BackupException(phase, "this server is a hot standby, which holds no rows of unlogged tables "
                    + "and sequences: " + String.join(", ", unlogged) + "; back this database up from the primary "
                    + "(CPDB_BACKUP_SOURCE=primary)", false);
        }
    }

    /** Today's layout: one {@code COPY} per table, on the main connection. */
    private List<TableStats> copyInSequence(List<TableData> tables, CountingOutputStream out)
            throws SQLException, IOException {
        List<TableStats> stats = new ArrayList<>();
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        for (TableData table : tables) {
            phase("copying " + table.displayName());
            checkCancelled();
            applyDeadline();
            write(out, table.copyInSql() + ";\n");
            long before = out.bytes();
            // The row count comes from the server's "COPY n" completion tag rather than from scanning every byte.
            long rows = copy.copyOut(table.copyOutSql(), nonClosing(out));
            long bytes = out.bytes() - before;
            write(out, "\\.\n\n");
            stats.add(new TableStats(table.schema(), table.name(), rows, bytes));
        }
        return stats;
    }

    /**
     * Splits large tables into block ranges (PostgreSQL 14 and newer), so that several connections share the work
     * even when one table dominates.
     */
    private List<TableChunk> chunks(List<TableData> tables, int versionNumber) throws SQLException {
        if (tables.isEmpty()) {
            return List.of();
        }
        java.util.Map<String, Long> blocks = new java.util.HashMap<>();
        long blockSize = 8192;
        if (versionNumber >= TID_RANGE_SCANS) {
            String sql = "SELECT n.nspname, c.relname, pg_catalog.pg_relation_size(c.oid), "
                    + "pg_catalog.current_setting('block_size')::bigint FROM pg_catalog.pg_class c "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE c.relkind = 'r' AND n.nspname = ANY (?)";
            try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setArray(1, connection.createArrayOf("text",
                        tables.stream().map(TableData::schema).distinct().toArray()));
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        blockSize = rs.getLong(4);
                        blocks.put(rs.getString(1) + "\0" + rs.getString(2), rs.getLong(3) / blockSize);
                    }
                }
            }
        }
        long limit = Math.min(chunkBytes, bufferPerChunk(options.jobs()) / 2);
        long blocksPerChunk = Math.max(1, limit / blockSize);
        List<TableChunk> chunks = new ArrayList<>();
        for (TableData table : tables) {
            Long size = blocks.get(table.schema() + "\0" + table.name());
            chunks.addAll(size == null ? List.of(TableChunk.whole(table))
                    : TableChunk.split(table, size, blocksPerChunk));
        }
        return chunks;
    }

    /**
     * Copies the chunks on the main connection and up to {@code jobs - 1} helpers that import its snapshot, writing
     * them in order: each chunk is its own {@code COPY ... FROM stdin} block, a table's blocks one after another.
     */
    private List<TableStats> copyInParallel(List<TableData> tables, List<TableChunk> chunks,
            CountingOutputStream out) throws SQLException, IOException {
        String snapshot;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
            rs.next();
            snapshot = rs.getString(1);
        }
        int helperCount = Math.min(options.jobs(), chunks.size()) - 1;
        List<Connection> helpers = new ArrayList<>();
        try {
            phase("opening copy connections");
            for (int i = 0; i < helperCount; i++) {
                checkCancelled();
                Connection helper = options.helpers().open();
                helpers.add(helper);
                joinSnapshot(helper, snapshot);
            }
            List<Connection> workers = new ArrayList<>();
            workers.add(connection);
            workers.addAll(helpers);
            java.util.Map<TableData, long[]> counts = new java.util.LinkedHashMap<>();
            ParallelCopy copy = new ParallelCopy(chunks, workers, bufferPerChunk(workers.size()),
                    new ParallelCopy.Copier() {
                        @Override
                        public void beforeChunk(Connection worker, TableChunk chunk) throws SQLException {
                            setStatementTimeout(worker, "copying " + chunk.table().displayName());
                        }

                        @Override
                        public RuntimeException interruption(TableChunk chunk) {
                            return stopped("copying " + chunk.table().displayName(), null);
                        }

                        @Override
                        public RuntimeException failure(TableChunk chunk, Exception error) {
                            String where = chunk == null ? phase : "copying " + chunk.table().displayName();
                            if (error instanceof BackupException backup) {
                                return backup;
                            }
                            if (options.cancelled().getAsBoolean()) {
                                return new BackupException(where, "the backup was cancelled", true, error);
                            }
                            if (error instanceof SQLException sql) {
                                return BackupEngine.this.failure(where, sql);
                            }
                            return new BackupException(where, "copying failed: " + error.getMessage(), true, error);
                        }
                    });
            copy.writeAll(out, new ParallelCopy.ChunkWriter() {
                private long before;

                @Override
                public void start(TableChunk chunk) throws IOException {
                    if (chunk.first()) {
                        phase("copying " + chunk.table().displayName());
                    }
                    write(out, chunk.table().copyInSql() + ";\n");
                    before = out.bytes();
                }

                @Override
                public void end(TableChunk chunk, long rows) throws IOException {
                    long[] count = counts.computeIfAbsent(chunk.table(), table -> new long[2]);
                    count[0] += rows;
                    count[1] += out.bytes() - before;
                    write(out, "\\.\n\n");
                }
            });
            List<TableStats> stats = new ArrayList<>();
            for (TableData table : tables) {
                long[] count = counts.getOrDefault(table, new long[2]);
                stats.add(new TableStats(table.schema(), table.name(), count[0], count[1]));
            }
            return stats;
        } finally {
            for (Connection helper : helpers) {
                try (helper) {
                    if (!helper.isClosed()) {
                        rollbackQuietly(helper);
                    }
                } catch (SQLException ignored) {
                    // A helper only read; whatever happens while closing it, the dump's outcome stands.
                }
            }
        }
    }

    private static long bufferPerChunk(int connections) {
        return BUFFERED_BYTES / ParallelCopy.window(connections);
    }

    /**
     * Starts a helper's transaction on the main connection's exported snapshot, with the main connection's settings.
     * Its tables are locked implicitly by each COPY; the lock timeout makes a COPY fail instead of queueing forever
     * behind a schema change that waits for the main connection's locks.
     */
    private void joinSnapshot(Connection helper, String snapshot) throws SQLException {
        helper.setAutoCommit(true);
        execute(helper, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        execute(helper, "SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
        applySettings(helper);
        setStatementTimeout(helper, phase);
    }

    private static void rollbackQuietly(Connection helper) {
        try (Statement statement = helper.createStatement()) {
            statement.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // Closing the connection ends the transaction anyway.
        }
    }

    private void checkCancelled() {
        if (options.cancelled().getAsBoolean()) {
            throw new BackupException(phase, "the backup was cancelled", true);
        }
    }

    private void phase(String name) {
        phase = name;
        options.phases().accept(name);
    }

    private static String header(String version, String database, boolean ownersAndPrivileges) {
        return "-- cpdb logical backup, format " + FORMAT_VERSION + "\n"
                + "-- source: PostgreSQL " + version + ", database " + database.replace("\n", " ") + "\n"
                + (ownersAndPrivileges
                        ? "-- with owners and privileges: every role they name must exist on the target server\n"
                        : "")
                + "-- restore into an empty database with:\n"
                + "--   psql -v ON_ERROR_STOP=1 --single-transaction -d TARGET -f SCRIPT\n\n"
                + "SET statement_timeout = 0;\n"
                + "SET lock_timeout = 0;\n"
                + "SET idle_in_transaction_session_timeout = 0;\n"
                + "SET client_encoding = 'UTF8';\n"
                + "SET standard_conforming_strings = on;\n"
                + "SELECT pg_catalog.set_config('search_path', '', false);\n"
                + "SET check_function_bodies = false;\n"
                + "SET xmloption = content;\n"
                + "SET client_min_messages = warning;\n"
                + "SET row_security = off;\n\n";
    }

    /** Session settings that last only for the transaction (SET LOCAL), so each connection is left as it was. */
    private void applySettings(Connection target) throws SQLException {
        execute(target, "SET LOCAL search_path = ''");
        execute(target, "SET LOCAL row_security = off");
        execute(target, "SET LOCAL extra_float_digits = 3");
        execute(target, "SET LOCAL DateStyle = 'ISO, MDY'");
        execute(target, "SET LOCAL IntervalStyle = 'postgres'");
        execute(target, "SET LOCAL idle_in_transaction_session_timeout = 0");
        execute(target, "SET LOCAL lock_timeout = " + Math.max(1, options.lockTimeout().toMillis()));
    }

    private void applyDeadline() throws SQLException {
        setStatementTimeout(connection, phase);
    }

    /** Gives {@code target}'s next statements the time left until the deadline. */
    private void setStatementTimeout(Connection target, String where) throws SQLException {
        long remaining = Duration.between(options.clock().instant(), options.deadline()).toMillis();
        if (remaining <= 0) {
            throw new BackupException(where, "the backup deadline passed", true);
        }
        execute(target, "SET LOCAL statement_timeout = " + remaining);
    }

    private void execute(String sql) throws SQLException {
        execute(connection, sql);
    }

    private static void execute(Connection target, String sql) throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                out.write(buffer, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private BackupException failure(SQLException e) {
        return failure(phase, e);
    }

    private BackupException failure(String phase, SQLException e) {
        if (e.getCause() instanceof BackupException backup) {
            return backup;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (standby && (state.equals("40001") || state.equals("40P01"))) {
            return recoveryConflict(phase, state, e);
        }
        return switch (state) {
            case "55P03" -> new BackupException(phase, "could not lock every table within "
                    + options.lockTimeout().toSeconds() + " s because other sessions hold conflicting locks "
                    + "(schema changes or maintenance); try again later", true, e);
            case "57014" -> cancelled(phase, e);
            case "40001" -> new BackupException(phase, "the snapshot could not be kept: " + e.getMessage(), true, e);
            default -> new BackupException(phase, e.getMessage(), state.startsWith("08"), e);
        };
    }

    /**
     * A statement the server cancelled. The server says the same for the statement timeout this engine sets from the
     * deadline (each statement gets at most the time left, so it fires only once the deadline has passed), for this
     * backup's own cancellation and for a cancel request of another session ({@code pg_cancel_backend}), so the
     * cause is told by the cancellation flag and the clock.
     */
    private BackupException cancelled(String phase, SQLException e) {
        BackupException stopped = stopped(phase, e);
        return stopped != null ? stopped : new BackupException(phase, "its statement was cancelled by an administrator "
                + "or another session (pg_cancel_backend), before the backup deadline", true, e);
    }

    /** The backup's own reason to stop (cancelled, or past its deadline) while {@code where}; null when it has none. */
    private BackupException stopped(String where, Exception cause) {
        if (options.cancelled().getAsBoolean()) {
            return new BackupException(where, "the backup was cancelled", true, cause);
        }
        if (!options.clock().instant().isBefore(options.deadline())) {
            return new BackupException(where, "the backup deadline passed", true, cause);
        }
        return null;
    }

    /**
     * A hot standby cancelled the dump because replaying the primary's WAL had waited on it longer than
     * {@code max_standby_streaming_delay}: a vacuum removing rows the snapshot still sees, or a lock the primary took
     * (a table's truncation, DDL) that conflicts with the dump's {@code ACCESS SHARE} locks. PostgreSQL reports it as
     * SQLSTATE 40001 (40P01 for a buffer deadlock) with the kind of conflict in the detail.
     */
    private static BackupException recoveryConflict(String phase, String state, SQLException e) {
        String said = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        String detail = "";
        if (e instanceof org.postgresql.util.PSQLException psql && psql.getServerErrorMessage() != null) {
            said = psql.getServerErrorMessage().getMessage();
            detail = psql.getServerErrorMessage().getDetail() == null ? ""
                    : " (" + psql.getServerErrorMessage().getDetail() + ")";
        }
        return new BackupException(phase, "the standby cancelled the backup on a conflict with recovery: SQLSTATE "
                + state + ", " + said + detail + ". Replaying the primary's WAL waited on the backup's snapshot or "
                + "locks for longer than max_standby_streaming_delay; raise that setting or turn on "
                + "hot_standby_feedback on the replica, or take backups from the primary (CPDB_BACKUP_SOURCE=primary)",
                true, e);
    }
}
