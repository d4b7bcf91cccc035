package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * NOT VALID constraints of a table and of a domain, and a NOT VALID foreign key, over rows that break them (which
 * PostgreSQL allows): the backup adds them after the data, as pg_dump does, so that the rows load and the constraints
 * come back unvalidated.
 */
@RequiresPostgresClientTools
class NotValidConstraintsRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA lax;
            CREATE DOMAIN lax.short_text AS text;
            CREATE TABLE lax.parents (id integer PRIMARY KEY);
            CREATE TABLE lax.entries (id integer PRIMARY KEY, title text, code lax.short_text, parent_id integer);
            INSERT INTO lax.parents VALUES (1);
            INSERT INTO lax.entries VALUES (1, '', 'too long', 99), (2, 'fine', 'ok', 1);
            ALTER TABLE lax.entries ADD CONSTRAINT title_not_blank CHECK (title <> '') NOT VALID;
            COMMENT ON CONSTRAINT title_not_blank ON lax.entries IS 'new rows only';
            ALTER DOMAIN lax.short_text ADD CONSTRAINT short CHECK (length(VALUE) < 5) NOT VALID;
            ALTER TABLE lax.entries ADD CONSTRAINT entries_parent FOREIGN KEY (parent_id) REFERENCES lax.parents
                NOT VALID;
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadTheFixture() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("not_valid", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void notValidConstraintsRoundTripOverTheRowsThatBreakThem() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(script.indexOf("ADD CONSTRAINT \"title_not_blank\"") > script.indexOf("COPY \"lax\".\"entries\""),
                script);
        assertTrue(script.indexOf("ADD CONSTRAINT \"short\"") > script.indexOf("COPY \"lax\".\"entries\""), script);
    }

    @Test
    void theRestoredConstraintsStillRefuseNewRowsThatBreakThem() throws Exception {
        DatabaseUrl target = roundTrip.database("not_valid_behaviour");
        BackupFixtures.restore(target, BackupFixtures.dump(source), false);

        assertEquals("2", BackupFixtures.query(target, "SELECT count(*) FROM lax.entries"));
        assertEquals("23514", BackupFixtures.sqlState(target, "INSERT INTO lax.entries VALUES (3, '', 'ok', 1)"));
        assertEquals("23514",
                BackupFixtures.sqlState(target, "INSERT INTO lax.entries VALUES (4, 'x', 'too long', 1)"));
        assertEquals("23503", BackupFixtures.sqlState(target, "INSERT INTO lax.entries VALUES (5, 'x', 'ok', 42)"));
    }
}
