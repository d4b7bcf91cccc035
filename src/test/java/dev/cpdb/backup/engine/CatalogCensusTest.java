package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.PostgresClientTools;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * The catalog census as an oracle: equal for a faithful round trip of the shared fixture on the default major, and
 * different as soon as the restored copy lacks an object, whichever catalog holds it.
 */
@RequiresPostgresClientTools
class CatalogCensusTest {

    private static DatabaseUrl source;
    private static byte[] script;

    @BeforeAll
    static void dumpTheFixture() throws Exception {
        source = TestPostgres.createDatabase("census_source");
        BackupFixtures.loadFixture(source);
        script = BackupFixtures.dump(source);
    }

    @Test
    void aRoundTripOfTheFixtureHasTheSameCensus() throws Exception {
        DatabaseUrl target = TestPostgres.createDatabase("census_target");

        BackupFixtures.restore(target, script, false);

        CatalogCensus census = CatalogCensus.take(source);
        CatalogCensus.assertSame(census, CatalogCensus.take(target));
        // The census is not trivially equal: it holds the fixture's objects, by identity.
        assertTrue(census.section("pg_trigger").stream().anyMatch(line -> line.contains("companies_touch")),
                census.toString());
        assertTrue(census.counts().get("pg_attribute") > 50, census.counts().toString());
    }

    @Test
    void aRoundTripOfTheApplicationFixtureByPgDumpHasTheSameCensus() throws Exception {
        // pg_dump 15 and psql are the reference: where they reproduce a database, the census must see no difference.
        DatabaseUrl original = TestPostgres.createDatabase(TestPostgres.server15(), "census_app_source");
        BackupFixtures.loadApplicationFixture(original);
        Path file = TestFolders.create("cpdb-census").resolve("application.sql");
        PostgresClientTools.dumpToFile(original, file);
        DatabaseUrl copy = TestPostgres.createDatabase(TestPostgres.server15(), "census_app_copy");

        PostgresClientTools.psqlFile(copy, file);

        CatalogCensus census = CatalogCensus.take(original);
        CatalogCensus.assertSame(census, CatalogCensus.take(copy));
        for (String kind : List.of("pg_aggregate", "pg_cast", "pg_operator", "pg_opclass", "pg_ts_config_map",
                "pg_foreign_table", "pg_user_mapping", "pg_publication_rel", "pg_publication_namespace",
                "pg_event_trigger", "pg_largeobject_metadata", "pg_rewrite", "pg_policy", "pg_statistic_ext")) {
            assertFalse(census.section(kind).isEmpty(), kind + " is part of the census: " + census.counts());
        }
    }

    @Test
    void theCensusNoticesAnObjectMissingFromTheRestoredCopy() throws Exception {
        DatabaseUrl target = TestPostgres.createDatabase("census_missing");
        BackupFixtures.restore(target, script, false);
        TestPostgres.execute(target, "DROP TRIGGER companies_touch ON app.companies");
        TestPostgres.execute(target, "COMMENT ON SEQUENCE app.ticket_seq IS NULL");

        String differences = CatalogCensus.take(source).differences(CatalogCensus.take(target));

        assertTrue(differences.contains("pg_trigger: 2 in the source, 1 restored"), differences);
        assertTrue(differences.contains("- only in the source:   CREATE TRIGGER companies_touch"), differences);
        assertTrue(differences.contains("'ticket numbers'"), differences);
        assertTrue(differences.contains("depends: pg_trigger"), "the dependency layer sees it too: " + differences);
    }

    @Test
    void theCensusNoticesAChangedColumnOption() throws Exception {
        DatabaseUrl target = TestPostgres.createDatabase("census_option");
        BackupFixtures.restore(target, script, false);
        TestPostgres.execute(target, "ALTER TABLE app.issues ALTER COLUMN body SET STORAGE EXTERNAL");

        String differences = CatalogCensus.take(source).differences(CatalogCensus.take(target));

        assertTrue(differences.contains("pg_attribute: "), differences);
        assertTrue(differences.contains("app.issues.body #6"), differences);
    }

    @Test
    void aCatalogWithANamespaceColumnIsCountedWithoutBeingListed() throws Exception {
        // pg_ts_dict has a specific section, but the generic layer finds it on its own through dictnamespace.
        DatabaseUrl database = TestPostgres.createDatabase("census_generic");
        TestPostgres.execute(database, "CREATE SCHEMA s");
        TestPostgres.execute(database, "CREATE TEXT SEARCH DICTIONARY s.english_simple (TEMPLATE = pg_catalog.simple)");

        CatalogCensus census = CatalogCensus.take(database);

        assertEquals(List.of("text search dictionary s.english_simple"),
                census.section("in schemas: pg_ts_dict"));
        assertTrue(census.section("depends: pg_ts_dict").stream()
                .anyMatch(line -> line.startsWith("text search dictionary s.english_simple -n-> schema s")),
                census.toString());
    }

    @Test
    void largeObjectsAreCountedWithTheirContents() throws Exception {
        DatabaseUrl first = TestPostgres.createDatabase("census_lo_a");
        DatabaseUrl second = TestPostgres.createDatabase("census_lo_b");
        TestPostgres.execute(first, "SELECT pg_catalog.lo_from_bytea(424242, 'contents')");
        TestPostgres.execute(second, "SELECT pg_catalog.lo_from_bytea(424242, 'contents')");
        assertEquals(CatalogCensus.take(first), CatalogCensus.take(second));

        TestPostgres.execute(second, "SELECT pg_catalog.lo_put(424242, 3, 'T')");

        String differences = CatalogCensus.take(first).differences(CatalogCensus.take(second));
        assertTrue(differences.contains("large object 424242 size=8 md5="), differences);
    }
}
