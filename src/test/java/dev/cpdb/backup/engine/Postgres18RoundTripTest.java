package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestPostgres;

/**
 * What PostgreSQL 16 to 18 added to the catalogs of a schema, round-tripped by cpdb on PostgreSQL 18 with owners and
 * privileges; no pg_dump 18 is installed, so the catalog census is the oracle ({@link FixtureRoundTrip}). The shared
 * fixture takes the same round trip. For each addition a pair of databases that differ only in it shows that the
 * census sees it, so that a backup that dropped it would fail the round trip.
 */
@RequiresPostgresClientTools
class Postgres18RoundTripTest {

    /** The additions, with rows that a NOT VALID or NOT ENFORCED constraint lets through; {@code :owner} is a role. */
    static final String FIXTURE = """
            CREATE EXTENSION btree_gist;
            CREATE SCHEMA newer;

            -- PostgreSQL 18: virtual generated columns (the default kind) beside stored ones; named, NO INHERIT and
            -- NOT VALID not-null constraints; NOT ENFORCED checks and foreign keys.
            CREATE TABLE newer.items (
                id integer CONSTRAINT items_id_present NOT NULL PRIMARY KEY,
                price numeric NOT NULL,
                quantity integer CONSTRAINT quantity_known NOT NULL NO INHERIT,
                total numeric GENERATED ALWAYS AS (price * quantity),
                total_stored numeric GENERATED ALWAYS AS (price * quantity) STORED,
                label text GENERATED ALWAYS AS ('#' || id) VIRTUAL,
                note text,
                CONSTRAINT price_positive CHECK (price > 0) NOT ENFORCED
            );
            COMMENT ON CONSTRAINT items_id_present ON newer.items IS 'a named not-null';
            INSERT INTO newer.items (id, price, quantity, note) VALUES (1, 2.5, 4, 'four'), (2, -1, 1, NULL);
            CREATE TABLE newer.special_items (extra text CONSTRAINT extra_present NOT NULL) INHERITS (newer.items);
            ALTER TABLE newer.items ADD CONSTRAINT note_present NOT NULL note NOT VALID;
            CREATE TABLE newer.parent (a integer CONSTRAINT parent_a_present NOT NULL, b integer);
            CREATE TABLE newer.child (a integer CONSTRAINT child_a_present NOT NULL, b integer NOT NULL);
            ALTER TABLE newer.child INHERIT newer.parent;
            CREATE TABLE newer.grandchild () INHERITS (newer.child);
            ALTER TABLE newer.grandchild ALTER COLUMN b SET NOT NULL;
            CREATE TABLE newer.loose_parent (a integer, b integer NOT NULL);
            CREATE TABLE newer.strict_child () INHERITS (newer.loose_parent);
            ALTER TABLE newer.strict_child ADD CONSTRAINT strict_a NOT NULL a;
            ALTER TABLE newer.strict_child ALTER COLUMN b SET NOT NULL;
            CREATE TABLE newer.orphans (
                item_id integer CONSTRAINT orphans_item REFERENCES newer.items NOT ENFORCED
            );
            INSERT INTO newer.orphans VALUES (1), (99);
            CREATE TABLE newer.readings (taken date NOT NULL, value numeric) PARTITION BY RANGE (taken) USING heap;
            CREATE TABLE newer.readings_2025 PARTITION OF newer.readings
                FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
            ALTER TABLE newer.readings_2025 ADD CONSTRAINT value_known NOT NULL value;
            INSERT INTO newer.readings VALUES ('2025-05-01', 1.5);

            -- PostgreSQL 18: temporal primary, unique and foreign keys.
            CREATE TABLE newer.rooms (
                id integer,
                valid_at daterange,
                name text,
                CONSTRAINT rooms_key PRIMARY KEY (id, valid_at WITHOUT OVERLAPS),
                CONSTRAINT rooms_name UNIQUE (name, valid_at WITHOUT OVERLAPS)
            );
            CREATE TABLE newer.bookings (
                id integer PRIMARY KEY,
                room_id integer,
                valid_at daterange,
                CONSTRAINT bookings_room FOREIGN KEY (room_id, PERIOD valid_at)
                    REFERENCES newer.rooms (id, PERIOD valid_at)
            );
            INSERT INTO newer.rooms VALUES (1, '[2025-01-01,2026-01-01)', 'blue');
            INSERT INTO newer.bookings VALUES (1, 1, '[2025-03-01,2025-03-05)');

            -- PostgreSQL 18: a publication of stored generated columns.
            CREATE PUBLICATION newer_with_generated FOR TABLE newer.items WITH (publish_generated_columns = stored);

            -- PostgreSQL 17: the MAINTAIN privilege; 18: default privileges on large objects.
            GRANT MAINTAIN ON newer.items TO :owner;
            GRANT SELECT, MAINTAIN ON newer.rooms TO :owner WITH GRANT OPTION;
            ALTER DEFAULT PRIVILEGES FOR ROLE :owner GRANT SELECT ON LARGE OBJECTS TO PUBLIC;

            -- PostgreSQL 17: named domain not-null constraints, the built-in collation provider,
            -- partitioned tables with an access method, identity columns and exclusion constraints, login event
            -- triggers; 16: ICU tailoring rules.
            CREATE DOMAIN newer.code AS text CONSTRAINT code_present NOT NULL CONSTRAINT code_short
                CHECK (length(VALUE) < 10);
            CREATE DOMAIN newer.maybe_code AS text;
            CREATE TABLE newer.codes (c newer.maybe_code, d newer.code);
            INSERT INTO newer.codes VALUES (NULL, 'x'), ('too long', 'y');
            ALTER DOMAIN newer.maybe_code ADD CONSTRAINT maybe_code_short CHECK (length(VALUE) < 5) NOT VALID;
            CREATE COLLATION newer.c_utf8 (provider = builtin, locale = 'C.UTF-8');
            CREATE COLLATION newer.g_before_a (provider = icu, locale = 'und', rules = '&a < g');
            CREATE TABLE newer.words (w text COLLATE newer.c_utf8, v text COLLATE newer.g_before_a);
            INSERT INTO newer.words VALUES ('a', 'a'), ('g', 'g');
            CREATE TABLE newer.logs (id integer GENERATED ALWAYS AS IDENTITY, kind integer NOT NULL, during int4range,
                EXCLUDE USING gist (kind WITH =, during WITH &&)) PARTITION BY LIST (kind);
            CREATE TABLE newer.logs_1 PARTITION OF newer.logs FOR VALUES IN (1);
            INSERT INTO newer.logs (kind, during) VALUES (1, '[1,5)'), (1, '[5,9)');
            CREATE FUNCTION newer.on_login() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
            CREATE EVENT TRIGGER newer_login ON login EXECUTE FUNCTION newer.on_login();

            -- PostgreSQL 16 and 17: SQL/JSON in views, deparsed by the server.
            CREATE VIEW newer.item_documents AS SELECT JSON_OBJECT('id': id, 'note': note) AS document,
                note IS JSON AS note_is_json FROM newer.items;
            CREATE VIEW newer.item_table AS SELECT t.* FROM JSON_TABLE('[{"a": 1}]'::jsonb, '$[*]'
                COLUMNS (a integer PATH '$.a')) t;
            """;

    private static final List<DatabaseUrl> DATABASES = new ArrayList<>();
    private static EmbeddedPostgres server;
    private static String owner;
    private static DatabaseUrl restored;

    @BeforeAll
    static void roundTripTheAdditions() throws Exception {
        server = TestPostgres.server18();
        owner = "newer owner " + ProcessHandle.current().pid();
        TestPostgres.execute(server.url(), "CREATE ROLE " + Sql.ident(owner));
        FixtureRoundTrip.Databases made = FixtureRoundTrip.assertCensusRoundTrip(server, "pg18_additions",
                FIXTURE.replace(":owner", Sql.ident(owner)), true);
        DATABASES.add(made.source());
        DATABASES.add(made.restored());
        restored = made.restored();
    }

    @AfterAll
    static void dropDatabasesAndRole() {
        if (server == null) {
            return;
        }
        for (DatabaseUrl url : DATABASES) {
            TestPostgres.execute(server.url(), "DROP DATABASE IF EXISTS " + Sql.ident(url.database())
                    + " WITH (FORCE)");
        }
        TestPostgres.execute(server.url(), "DROP ROLE IF EXISTS " + Sql.ident(owner));
    }

    @Test
    void theRestoredAdditionsBehaveAsInTheSource() throws Exception {
        // Virtual columns compute on read; stored ones were recomputed by the restore.
        assertEquals("10.0,10.0,#1", BackupFixtures.query(restored,
                "SELECT concat_ws(',', total, total_stored, label) FROM newer.items WHERE id = 1"));
        assertEquals("v", BackupFixtures.query(restored, "SELECT attgenerated FROM pg_attribute "
                + "WHERE attrelid = 'newer.items'::regclass AND attname = 'total'"));
        // NOT VALID and NOT ENFORCED constraints came back as such, with the rows they let through.
        assertEquals("note_present,orphans_item,price_positive", BackupFixtures.query(restored,
                "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid IN "
                        + "('newer.items'::regclass, 'newer.orphans'::regclass) AND NOT convalidated"));
        assertEquals("2", BackupFixtures.query(restored, "SELECT count(*) FROM newer.orphans"));
        // The temporal key still refuses an overlapping period.
        assertEquals("23P01", BackupFixtures.sqlState(restored,
                "INSERT INTO newer.rooms VALUES (1, '[2025-06-01,2025-07-01)', 'red')"));
        assertEquals("s", BackupFixtures.query(restored,
                "SELECT pubgencols FROM pg_publication WHERE pubname = 'newer_with_generated'"));
    }

    @Test
    void theScriptNamesWhatPostgres18Names() throws Exception {
        String script = new String(BackupFixtures.dump(restored, 1, true), StandardCharsets.UTF_8);

        assertTrue(script.contains("\"id\" integer CONSTRAINT \"items_id_present\" NOT NULL"), script);
        assertTrue(script.contains("CONSTRAINT \"quantity_known\" NOT NULL NO INHERIT"), script);
        assertTrue(script.contains("GENERATED ALWAYS AS ((price * (quantity)::numeric)) VIRTUAL"), script);
        assertTrue(script.contains("publish_generated_columns = stored"), script);
        assertTrue(script.contains("WITHOUT OVERLAPS"), script);
        assertTrue(script.contains("PERIOD valid_at"), script);
        assertTrue(script.contains("MAINTAIN"), script);
        assertTrue(script.contains("ON LARGE OBJECTS"), script);
        assertTrue(script.indexOf("ADD CONSTRAINT \"note_present\" NOT NULL note NOT VALID") > script
                .indexOf("COPY \"newer\".\"items\""), "a NOT VALID constraint comes after the rows: " + script);
    }

    @Test
    void theSharedFixtureRoundTripsOnPostgres18() throws Exception {
        String fixture = Files.readString(Path.of("src/test/resources/backup/fixture.sql"));

        FixtureRoundTrip.Databases made = FixtureRoundTrip.assertCensusRoundTrip(server, "pg18_fixture", fixture,
                false);
        DATABASES.add(made.source());
        DATABASES.add(made.restored());
    }

    /**
     * Pairs of databases that differ in one addition only: a census that did not see the addition would call them
     * equal, and a backup that dropped it would pass.
     */
    static Stream<Arguments> additions() {
        return Stream.of(
                Arguments.of("virtual or stored generated column",
                        "CREATE TABLE t (a integer, b integer GENERATED ALWAYS AS (a + 1) VIRTUAL)",
                        "CREATE TABLE t (a integer, b integer GENERATED ALWAYS AS (a + 1) STORED)"),
                Arguments.of("named not-null constraint", "CREATE TABLE t (a integer CONSTRAINT a_present NOT NULL)",
                        "CREATE TABLE t (a integer NOT NULL)"),
                Arguments.of("NO INHERIT not-null constraint", "CREATE TABLE t (a integer NOT NULL NO INHERIT)",
                        "CREATE TABLE t (a integer NOT NULL)"),
                Arguments.of("NOT VALID not-null constraint",
                        "CREATE TABLE t (a integer); ALTER TABLE t ADD CONSTRAINT a_nn NOT NULL a NOT VALID",
                        "CREATE TABLE t (a integer); ALTER TABLE t ADD CONSTRAINT a_nn NOT NULL a"),
                Arguments.of("not-null constraint of a child's own",
                        "CREATE TABLE p (a integer NOT NULL); CREATE TABLE c (a integer NOT NULL) INHERITS (p)",
                        "CREATE TABLE p (a integer NOT NULL); CREATE TABLE c () INHERITS (p)"),
                Arguments.of("NOT ENFORCED check", "CREATE TABLE t (a integer CHECK (a > 0) NOT ENFORCED)",
                        "CREATE TABLE t (a integer CHECK (a > 0))"),
                Arguments.of("NOT ENFORCED foreign key",
                        "CREATE TABLE p (a integer PRIMARY KEY); "
                                + "CREATE TABLE c (a integer REFERENCES p NOT ENFORCED)",
                        "CREATE TABLE p (a integer PRIMARY KEY); CREATE TABLE c (a integer REFERENCES p)"),
                Arguments.of("temporal primary key",
                        "CREATE TABLE t (a int4range, v daterange, PRIMARY KEY (a, v WITHOUT OVERLAPS))",
                        "CREATE TABLE t (a int4range, v daterange, PRIMARY KEY (a, v))"),
                Arguments.of("temporal foreign key",
                        "CREATE TABLE p (a int4range, v daterange, PRIMARY KEY (a, v WITHOUT OVERLAPS)); "
                                + "CREATE TABLE c (a int4range, v daterange, "
                                + "FOREIGN KEY (a, PERIOD v) REFERENCES p (a, PERIOD v))",
                        "CREATE TABLE p (a int4range, v daterange, PRIMARY KEY (a, v WITHOUT OVERLAPS)); "
                                + "CREATE TABLE c (a int4range, v daterange)"),
                Arguments.of("publication of generated columns",
                        "CREATE PUBLICATION p WITH (publish_generated_columns = stored)",
                        "CREATE PUBLICATION p"),
                Arguments.of("MAINTAIN privilege", "CREATE TABLE t (a integer); GRANT MAINTAIN ON t TO PUBLIC",
                        "CREATE TABLE t (a integer)"),
                Arguments.of("default privileges on large objects",
                        "ALTER DEFAULT PRIVILEGES GRANT SELECT ON LARGE OBJECTS TO PUBLIC", "SELECT 1"),
                Arguments.of("named domain not-null constraint",
                        "CREATE DOMAIN d AS integer CONSTRAINT d_present NOT NULL",
                        "CREATE DOMAIN d AS integer NOT NULL"),
                Arguments.of("built-in collation", "CREATE COLLATION c (provider = builtin, locale = 'C.UTF-8')",
                        "CREATE COLLATION c (provider = libc, locale = 'C.UTF-8')"),
                Arguments.of("partitioned table's access method",
                        "CREATE TABLE t (a integer) PARTITION BY LIST (a) USING heap",
                        "CREATE TABLE t (a integer) PARTITION BY LIST (a)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("additions")
    void theCensusSeesEachAddition(String addition, String with, String without) throws Exception {
        DatabaseUrl first = pairDatabase(with);
        DatabaseUrl second = pairDatabase(without);

        String differences = CatalogCensus.take(first, true).differences(CatalogCensus.take(second, true));

        assertFalse(differences.isEmpty(), addition + " is invisible to the census");
    }

    private static DatabaseUrl pairDatabase(String sql) {
        DatabaseUrl url = TestPostgres.createDatabase(server, "pg18_pair");
        DATABASES.add(url);
        TestPostgres.execute(url, sql);
        return url;
    }
}
