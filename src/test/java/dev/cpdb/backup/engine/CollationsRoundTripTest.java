package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * Collations: libc with one locale and with split collate/ctype, ICU deterministic and not, with a comment
 * and an owner, used by columns and an index.
 */
@RequiresPostgresClientTools
class CollationsRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA words;
            CREATE COLLATION words.bytes (provider = libc, locale = 'C');
            CREATE COLLATION words.split (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
            CREATE COLLATION words.german (provider = icu, locale = 'de-DE');
            CREATE COLLATION words.caseless (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            COMMENT ON COLLATION words.caseless IS 'case-insensitive comparisons';
            ALTER COLLATION words.german OWNER TO :owner;
            CREATE TABLE words.names (id integer PRIMARY KEY, name text COLLATE words.caseless,
                sorted text COLLATE words.german);
            INSERT INTO words.names VALUES (1, 'Alpha', 'Äpfel'), (2, 'beta', 'Zebra');
            CREATE INDEX names_by_bytes ON words.names (name COLLATE words.bytes);
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadTheFixture() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("collations", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void collationsRoundTripExactlyWithCpdbAndWithPsql() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(script.contains("CREATE COLLATION \"words\".\"caseless\" (provider = icu"),
                "carried, not refused or left out");
    }
}
