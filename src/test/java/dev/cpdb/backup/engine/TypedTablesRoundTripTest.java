package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * Typed tables: one with a key, a NOT NULL column with a default and a CHECK, one plain, with a comment and
 * an owner.
 */
@RequiresPostgresClientTools
class TypedTablesRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA typed;
            CREATE TYPE typed.person AS (id integer, name text, born date);
            CREATE TABLE typed.people OF typed.person (id WITH OPTIONS PRIMARY KEY,
                name WITH OPTIONS NOT NULL DEFAULT 'nobody', CONSTRAINT born_past CHECK (born < '2100-01-01'));
            CREATE TABLE typed.plain_people OF typed.person;
            COMMENT ON TABLE typed.people IS 'a typed table';
            ALTER TABLE typed.people OWNER TO :owner;
            INSERT INTO typed.people VALUES (1, 'Ada', '1815-12-10'), (2, DEFAULT, NULL);
            INSERT INTO typed.plain_people VALUES (3, 'Grace', '1906-12-09');
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadTheFixture() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("typed_tables", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void typedTablesRoundTripExactlyWithCpdbAndWithPsql() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(script.contains("CREATE TABLE \"typed\".\"people\" OF typed.person"),
                "carried, not refused or left out");
    }
}
