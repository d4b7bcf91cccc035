package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * Encoding conversions, default and not, with a comment and an owner.
 */
@RequiresPostgresClientTools
class ConversionsRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA enc;
            CREATE CONVERSION enc.latin_to_utf8 FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
            CREATE DEFAULT CONVERSION enc.utf8_to_latin FOR 'UTF8' TO 'LATIN1' FROM utf8_to_iso8859_1;
            COMMENT ON CONVERSION enc.latin_to_utf8 IS 'latin one';
            ALTER CONVERSION enc.utf8_to_latin OWNER TO :owner;
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadTheFixture() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("conversions", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void conversionsRoundTripExactlyWithCpdbAndWithPsql() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(script.contains("CREATE DEFAULT CONVERSION \"enc\".\"utf8_to_latin\""),
                "carried, not refused or left out");
    }
}
