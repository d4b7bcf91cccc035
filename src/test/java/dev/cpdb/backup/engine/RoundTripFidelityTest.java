package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestPostgres;

/**
 * Round trips of a fixture holding every supported object kind, hostile names and hostile data. The oracle is
 * independent of cpdb: {@code pg_dump --schema-only} (PostgreSQL 15, against a PostgreSQL 15 server) of the source
 * and of the restored database must be identical, and every table's rows must hash the same.
 */
@RequiresPostgresClientTools
class RoundTripFidelityTest {

    private static EmbeddedPostgres server;
    private static DatabaseUrl source;
    private static byte[] script;

    @BeforeAll
    static void dumpTheFixture() throws Exception {
        server = TestPostgres.server15();
        source = TestPostgres.createDatabase(server, "fidelity_source");
        BackupFixtures.loadFixture(source);
        script = BackupFixtures.dump(source);
    }

    @Test
    void aRestoreByCpdbReproducesSchemaAndRowsExactly() throws Exception {
        DatabaseUrl target = TestPostgres.createDatabase(server, "fidelity_cpdb");

        BackupFixtures.restore(target, script, false);

        BackupFixtures.assertSameSchema(BackupFixtures.comparableSchema(source),
                BackupFixtures.comparableSchema(target));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(target));
    }

    @Test
    void stockPsqlRestoresTheSameScriptToTheSameResult() throws Exception {
        DatabaseUrl target = TestPostgres.createDatabase(server, "fidelity_psql");

        BackupFixtures.restoreWithPsql(target, script);

        BackupFixtures.assertSameSchema(BackupFixtures.comparableSchema(source),
                BackupFixtures.comparableSchema(target));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(target));
    }

    @Test
    void restoredObjectsKeepWorking() throws Exception {
        DatabaseUrl target = TestPostgres.createDatabase(server, "fidelity_behaviour");
        BackupFixtures.restore(target, script, false);

        // Sequences continue after the restored values, identity columns too (PostgreSQL sequence semantics).
        assertEquals(BackupFixtures.query(source, "SELECT last_value FROM app.ticket_seq"),
                BackupFixtures.query(target, "SELECT last_value FROM app.ticket_seq"));
        assertEquals("40", BackupFixtures.query(target,
                "INSERT INTO app.companies (code, name) VALUES ('NEW', 'n') RETURNING id"));
        assertEquals("1002", BackupFixtures.query(target, "INSERT INTO app.events (kind) VALUES ('x') RETURNING id"));
        assertEquals("6", BackupFixtures.query(target,
                "INSERT INTO app.issues (company_id, title) VALUES (10, 't') RETURNING id"));
        // Triggers fire again.
        assertEquals("t", BackupFixtures.query(target, "WITH u AS (UPDATE app.companies SET name = 'renamed' "
                + "WHERE code = 'ACM' RETURNING updated_at > created_at AS touched) SELECT touched FROM u"));
        // Constraints are enforced: the foreign key rejects an unknown company.
        assertThrowsSql(target, "INSERT INTO plugin_demo.notes (note, company_id) VALUES ('x', 999)", "23503");
        assertThrowsSql(target, "INSERT INTO app.bookings VALUES (2, '[2024-01-01,2024-01-05)')", "23P01");
        // Materialized views are populated, the one that never was stays unpopulated.
        assertEquals("2", BackupFixtures.query(target, "SELECT count(*) FROM app.issue_counts"));
        assertEquals("f", BackupFixtures.query(target,
                "SELECT relispopulated FROM pg_class WHERE oid = 'app.never_filled'::regclass"));
    }

    @Test
    void theScriptCarriesDataAsCopyBlocksAndEndsWithItsMarker() {
        String text = new String(script, StandardCharsets.UTF_8);

        assertTrue(text.contains("COPY \"app\".\"issues\" ("), "data as COPY ... FROM stdin blocks");
        assertTrue(text.stripTrailing().endsWith(BackupEngine.END_MARKER));
        assertFalse(text.contains("title_length\") FROM stdin"), "stored generated columns are not copied");
    }

    @Test
    void aTableOverManyBlocksIsCopiedAsSeveralBlocksInOrder() {
        String text = new String(script, StandardCharsets.UTF_8);
        String copy = "COPY \"app\".\"activity\" (\"id\", \"note\", \"happened\", \"weight\") FROM stdin;";

        // Our design: with one-block chunks each block range of the table is its own COPY block, one after another.
        int blocks = text.split(java.util.regex.Pattern.quote(copy), -1).length - 1;
        assertTrue(blocks > 5, "the table was split into " + blocks + " COPY blocks");
        int first = text.indexOf(copy);
        int last = text.lastIndexOf(copy);
        assertTrue(text.substring(first, last).lines().filter(line -> line.startsWith("COPY "))
                .allMatch(copy::equals), "no other table's rows between the chunks of one table");
    }

    @Test
    void theRestoreReportsTheRowsItLoaded() throws Exception {
        DatabaseUrl target = TestPostgres.createDatabase(server, "fidelity_counts");

        RestoreResult result = BackupFixtures.restore(target, script, false);

        Map<String, Long> rows = result.rowsByTable();
        assertEquals(5L, rows.get("app.issues"));
        assertEquals(1L, rows.get("app.no_columns"));
        assertEquals(3600L, rows.get("app.activity"), "the rows of all its COPY blocks together");
    }

    private static void assertThrowsSql(DatabaseUrl url, String sql, String state) {
        java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                () -> BackupFixtures.query(url, sql));
        assertEquals(state, e.getSQLState(), e.getMessage());
    }
}
