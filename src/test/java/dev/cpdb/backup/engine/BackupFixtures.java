package dev.cpdb.backup.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.PostgresClientTools;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/** Shared steps of the backup tests: fixture loading, dumping, restoring and independent comparisons. */
final class BackupFixtures {

    private BackupFixtures() {
    }

    /** Loads {@code src/test/resources/backup/fixture.sql} with psql, independently of cpdb's script reader. */
    static void loadFixture(DatabaseUrl url) {
        PostgresClientTools.psqlFile(url, Path.of("src/test/resources/backup/fixture.sql"));
    }

    /**
     * Loads {@code src/test/resources/backup/application.sql}, a realistic application whose object kinds lean on each
     * other, with psql.
     */
    static void loadApplicationFixture(DatabaseUrl url) {
        PostgresClientTools.psqlFile(url, Path.of("src/test/resources/backup/application.sql"));
    }

    /** Heap bytes per chunk in tests: one block, so that every table of more than one block is split. */
    static final long TINY_CHUNKS = 8192;

    /**
     * Dumps into memory (fine for test fixtures of a few MB) with the default two copy connections and
     * {@link #TINY_CHUNKS}.
     */
    static byte[] dump(DatabaseUrl url) throws SQLException {
        return dump(url, 2);
    }

    /** Dumps into memory copying on {@code jobs} connections, tables split into {@link #TINY_CHUNKS}. */
    static byte[] dump(DatabaseUrl url, int jobs) throws SQLException {
        return dump(url, jobs, false);
    }

    /** Like {@link #dump(DatabaseUrl, int)}, with or without owners and privileges. */
    static byte[] dump(DatabaseUrl url, int jobs, boolean ownersAndPrivileges) throws SQLException {
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(url)) {
            withChunkBytes(TINY_CHUNKS, () -> BackupEngine.dump(connection, script,
                    new BackupEngine.Options(Duration.ofSeconds(10), Instant.now().plusSeconds(300))
                            .withJobs(jobs, () -> TestPostgres.connect(url))
                            .withOwnersAndPrivileges(ownersAndPrivileges)));
        }
        return script.toByteArray();
    }

    /** Runs {@code work} with the engine splitting tables into chunks of {@code bytes}, then restores the default. */
    static <T> T withChunkBytes(long bytes, java.util.function.Supplier<T> work) {
        long before = BackupEngine.chunkBytes;
        BackupEngine.chunkBytes = bytes;
        try {
            return work.get();
        } finally {
            BackupEngine.chunkBytes = before;
        }
    }

    /**
     * Restores as the service does: a checking pass finds what the backup holds (with public, as a manifest of a
     * backup that holds public lists it), then the restore runs.
     */
    static RestoreResult restore(DatabaseUrl url, byte[] script, boolean clean) throws SQLException {
        return restore(url, script, clean, true);
    }

    /** Like {@link #restore(DatabaseUrl, byte[], boolean)}, saying whether the backup holds public. */
    static RestoreResult restore(DatabaseUrl url, byte[] script, boolean clean, boolean holdsPublic)
            throws SQLException {
        RestoreEngine.Holdings holdings = RestoreEngine.inspect(new ByteArrayInputStream(script), true)
                .holdings(holdsPublic);
        try (Connection connection = TestPostgres.connect(url)) {
            return RestoreEngine.restore(connection, new ByteArrayInputStream(script), holdings, clean, true, true,
                    () -> {
                    });
        }
    }

    /** Restores with stock psql in one transaction, as an operator without cpdb would. */
    static void restoreWithPsql(DatabaseUrl url, byte[] script) throws IOException {
        Path file = TestFolders.create("cpdb-script").resolve("backup.sql");
        Files.write(file, script);
        PostgresClientTools.psqlFile(url, file);
    }

    /** pg_dump's schema-only output without its header comments and the per-run restrict keys. */
    static String comparableSchema(DatabaseUrl url) {
        return comparableSchema(url, false);
    }

    /** Like {@link #comparableSchema(DatabaseUrl)}, with or without owners and privileges. */
    static String comparableSchema(DatabaseUrl url, boolean ownersAndPrivileges) {
        return PostgresClientTools.schemaOnlyDump(url, ownersAndPrivileges).lines()
                .filter(line -> !line.startsWith("--"))
                .filter(line -> !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
                .filter(line -> !line.isBlank())
                .collect(Collectors.joining("\n"));
    }

    /**
     * An order-independent fingerprint of every table's rows: an md5 over the sorted text form of all rows of each
     * table in a non-system schema (partitions and inheritance children counted once, with ONLY).
     */
    static Map<String, String> rowHashes(DatabaseUrl url) throws SQLException {
        Map<String, String> hashes = new LinkedHashMap<>();
        try (Connection connection = TestPostgres.connect(url)) {
            List<String> tables = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT quote_ident(n.nspname) || '.' || "
                            + "quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            + "WHERE (c.relkind = 'r' OR (c.relkind = 'm' AND c.relispopulated)) AND n.nspname !~ '^pg_' AND n.nspname <> "
                            + "'information_schema' ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (Statement statement = connection.createStatement();
                        ResultSet rs = statement.executeQuery("SELECT count(*) || ':' || md5(coalesce(string_agg("
                                + "t::text, E'\\n' ORDER BY t::text), '')) FROM ONLY " + table + " t")) {
                    rs.next();
                    hashes.put(table, rs.getString(1));
                }
            }
        }
        return hashes;
    }

    /**
     * Asserts two pg_dump outputs are identical; on failure the message lists the lines only one side has, which is
     * far easier to read than two whole schemas.
     */
    static void assertSameSchema(String expected, String actual) {
        if (expected.equals(actual)) {
            return;
        }
        List<String> expectedLines = expected.lines().toList();
        List<String> actualLines = actual.lines().toList();
        List<String> missing = expectedLines.stream().filter(line -> !actualLines.contains(line)).limit(30).toList();
        List<String> extra = actualLines.stream().filter(line -> !expectedLines.contains(line)).limit(30).toList();
        org.junit.jupiter.api.Assertions.fail("schemas differ.\nonly in the source:\n  " + String.join("\n  ", missing)
                + "\nonly in the restored database:\n  " + String.join("\n  ", extra)
                + (missing.isEmpty() && extra.isEmpty() ? "\n(same lines, different order)" : ""));
    }

    /** Evaluates one SQL expression. */
    static String query(DatabaseUrl url, String sql) throws SQLException {
        try (Connection connection = TestPostgres.connect(url);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The SQLSTATE a data-changing statement fails with, or {@code no error}. */
    static String sqlState(DatabaseUrl url, String dml) {
        try {
            query(url, "WITH changed AS (" + dml + " RETURNING 1) SELECT count(*) FROM changed");
            return "no error";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
