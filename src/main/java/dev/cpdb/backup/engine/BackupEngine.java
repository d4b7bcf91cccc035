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
 * Writes a logical backup of every non-system schema as one plain SQL script that {@code psql} and cpdb's
 * {@link RestoreEngine} can restore.
 *
 * <p>
 * The whole dump runs in one {@code REPEATABLE READ, READ ONLY} transaction on a direct connection: the catalog reads
 * and every {@code COPY ... TO STDOUT} see one snapshot. {@code ACCESS SHARE} locks on every table are taken first,
 * with a lock timeout, so concurrent DDL cannot change a definition mid-way. Rows stream from the server to the
 * output without being held in memory. Blocking by design (JDBC); run it on a worker thread.
 */
public final class BackupEngine {

    /** Version of the script layout and manifest; restores refuse newer versions. */
    public static final int FORMAT_VERSION = 1;

    /** Marker written as the script's last line, so a truncated script is recognized. */
    public static final String END_MARKER = "-- cpdb backup complete";

    private static final int LOCK_BATCH = 500;

    /**
     * Limits of one dump.
     *
     * @param lockTimeout how long to wait for each batch of table locks
     * @param deadline when the whole dump must be finished; statements get the remaining time as their timeout
     */
    public record Options(Duration lockTimeout, Instant deadline, Clock clock,
            java.util.function.Consumer<String> phases) {

        public Options(Duration lockTimeout, Instant deadline) {
            this(lockTimeout, deadline, Clock.systemUTC(), phase -> {
            });
        }

        /** The same limits, reporting each phase as it starts. */
        public Options withPhases(java.util.function.Consumer<String> listener) {
            return new Options(lockTimeout, deadline, clock, listener);
        }
    }

    private final Connection connection;
    private final Options options;
    private String phase = "starting the snapshot";

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
                        + "pg_catalog.current_setting('server_version_num')::int, pg_catalog.current_database()")) {
            rs.next();
            version = rs.getString(1);
            versionNumber = rs.getInt(2);
            database = rs.getString(3);
        }
        // Session settings last only for this transaction (SET LOCAL), so the connection is left as it was.
        execute("SET LOCAL search_path = ''");
        execute("SET LOCAL row_security = off");
        execute("SET LOCAL extra_float_digits = 3");
        execute("SET LOCAL DateStyle = 'ISO, MDY'");
        execute("SET LOCAL IntervalStyle = 'postgres'");
        execute("SET LOCAL idle_in_transaction_session_timeout = 0");
        execute("SET LOCAL lock_timeout = " + Math.max(1, options.lockTimeout().toMillis()));

        phase("listing schemas");
        applyDeadline();
        List<String> schemas = CatalogReader.userSchemas(connection);
        List<String> lockTargets = CatalogReader.lockTargets(connection, schemas);
        phase("locking tables");
        for (int from = 0; from < lockTargets.size(); from += LOCK_BATCH) {
            applyDeadline();
            List<String> batch = lockTargets.subList(from, Math.min(lockTargets.size(), from + LOCK_BATCH));
            execute("LOCK TABLE " + String.join(", ", batch) + " IN ACCESS SHARE MODE");
        }
        phase("reading the schema");
        applyDeadline();
        DumpPlan plan = CatalogReader.read(connection, schemas, lockTargets);
        List<String> coreMigrations = MigrationHistory.core(connection);
        java.util.Map<String, List<String>> pluginMigrations = MigrationHistory.plugins(connection);

        CountingOutputStream out = new CountingOutputStream(target);
        phase("writing definitions");
        write(out, header(version, database));
        for (String statement : plan.preData()) {
            write(out, statement + "\n\n");
        }
        List<TableStats> tables = new ArrayList<>();
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        for (TableData table : plan.tables()) {
            phase("copying " + table.displayName());
            applyDeadline();
            write(out, table.copyInSql() + ";\n");
            long before = out.bytes();
            // The row count comes from the server's "COPY n" completion tag rather than from scanning every byte.
            long rows = copy.copyOut(table.copyOutSql(), nonClosing(out));
            long bytes = out.bytes() - before;
            write(out, "\\.\n\n");
            tables.add(new TableStats(table.schema(), table.name(), rows, bytes));
        }
        phase("writing indexes, constraints and triggers");
        for (String statement : plan.postData()) {
            write(out, statement + "\n\n");
        }
        write(out, END_MARKER + "\n");
        phase("finishing the snapshot");
        connection.commit();
        return new DumpResult(version, versionNumber, database, plan.schemas(), tables, out.bytes(), coreMigrations,
                pluginMigrations);
    }

    private void phase(String name) {
        phase = name;
        options.phases().accept(name);
    }

    private static String header(String version, String database) {
        return "-- cpdb logical backup, format " + FORMAT_VERSION + "\n"
                + "-- source: PostgreSQL " + version + ", database " + database.replace("\n", " ") + "\n"
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

    private void applyDeadline() throws SQLException {
        long remaining = Duration.between(options.clock().instant(), options.deadline()).toMillis();
        if (remaining <= 0) {
            throw new BackupException(phase, "the backup deadline passed", true);
        }
        execute("SET LOCAL statement_timeout = " + remaining);
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
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
        if (e.getCause() instanceof BackupException backup) {
            return backup;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "55P03" -> new BackupException(phase, "could not lock every table within "
                    + options.lockTimeout().toSeconds() + " s because other sessions hold conflicting locks "
                    + "(schema changes or maintenance); try again later", true, e);
            case "57014" -> new BackupException(phase, "the backup deadline passed", true, e);
            case "40001" -> new BackupException(phase, "the snapshot could not be kept: " + e.getMessage(), true, e);
            default -> new BackupException(phase, e.getMessage(), state.startsWith("08"), e);
        };
    }
}
