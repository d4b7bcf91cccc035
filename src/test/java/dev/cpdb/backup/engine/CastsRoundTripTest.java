package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * Casts whose function or types live in the backed-up schemas (with a function, with inout, assignment
 * and implicit), one with a comment, one used by a view. Casts have no owner or privileges.
 */
@RequiresPostgresClientTools
class CastsRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA money;
            CREATE TYPE money.cents AS (amount bigint);
            CREATE FUNCTION money.cents_of(integer) RETURNS money.cents LANGUAGE sql IMMUTABLE
                AS 'SELECT ROW($1::bigint * 100)::money.cents';
            CREATE FUNCTION money.as_text(money.cents) RETURNS text LANGUAGE sql IMMUTABLE
                AS 'SELECT ($1).amount::text || '' cents''';
            CREATE CAST (integer AS money.cents) WITH FUNCTION money.cents_of(integer) AS ASSIGNMENT;
            CREATE CAST (money.cents AS text) WITH FUNCTION money.as_text(money.cents) AS IMPLICIT;
            COMMENT ON CAST (integer AS money.cents) IS 'whole units to cents';
            CREATE DOMAIN money.code AS text;
            CREATE TYPE money.label AS (code text);
            CREATE CAST (money.label AS json) WITH INOUT;
            CREATE TABLE money.prices (id integer PRIMARY KEY, price money.cents);
            INSERT INTO money.prices VALUES (1, 12), (2, 7);
            CREATE VIEW money.printed AS SELECT id, price::text AS shown FROM money.prices;
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadTheFixture() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("casts", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void castsRoundTripExactlyWithCpdbAndWithPsql() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(
                script.contains(
                        "CREATE CAST (integer AS money.cents) WITH FUNCTION money.cents_of(integer) AS ASSIGNMENT;"),
                "carried, not refused or left out");
    }
}
