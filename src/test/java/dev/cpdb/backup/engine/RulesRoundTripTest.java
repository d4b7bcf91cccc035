package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * Rules on a table (one disabled, one with a comment) and an INSERT rule on a view, restored after the data so
 * that the rows are not logged twice.
 */
@RequiresPostgresClientTools
class RulesRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA rules;
            CREATE TABLE rules.items (id integer PRIMARY KEY, name text);
            CREATE TABLE rules.log (id integer, action text);
            CREATE RULE log_insert AS ON INSERT TO rules.items DO ALSO INSERT INTO rules.log VALUES (NEW.id, 'insert');
            CREATE RULE no_delete AS ON DELETE TO rules.items DO INSTEAD NOTHING;
            ALTER TABLE rules.items DISABLE RULE no_delete;
            COMMENT ON RULE log_insert ON rules.items IS 'keeps a log';
            CREATE VIEW rules.item_names AS SELECT id, name FROM rules.items;
            CREATE RULE item_names_insert AS ON INSERT TO rules.item_names DO INSTEAD
                INSERT INTO rules.items VALUES (NEW.id, NEW.name);
            INSERT INTO rules.items VALUES (1, 'one');
            INSERT INTO rules.item_names VALUES (2, 'two');
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadTheFixture() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("rules", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void rulesRoundTripExactlyWithCpdbAndWithPsql() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(script.contains("CREATE RULE log_insert AS"),
                "carried, not refused or left out");
    }
}
