package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * Objects that depend on each other in a circle, which no order of plain CREATE statements can restore: a view and a
 * function returning its row type, a table whose CHECK constraint and column default call functions taking the
 * table's row type or read it (a function with an SQL-standard body), a domain whose CHECK calls a function that
 * reads a table of the domain, and two tables referencing each other. The
 * expectation is pg_dump's: the view is created as a placeholder and replaced, the constraints and the default are
 * added after the table, foreign keys come after the data.
 */
@RequiresPostgresClientTools
class DependencyCyclesRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA cyc;
            CREATE VIEW cyc.v AS SELECT 1 AS a, 'x'::text COLLATE "C" AS b;
            CREATE FUNCTION cyc.f() RETURNS SETOF cyc.v LANGUAGE sql AS $$ SELECT 2, 'y'::text $$;
            CREATE OR REPLACE VIEW cyc.v AS SELECT a, b FROM cyc.f() AS f(a, b);
            COMMENT ON VIEW cyc.v IS 'a view in a cycle';
            ALTER VIEW cyc.v OWNER TO :owner;

            CREATE TABLE cyc.t (id integer PRIMARY KEY, n integer, label text);
            CREATE FUNCTION cyc.small(r cyc.t) RETURNS boolean LANGUAGE sql IMMUTABLE
                AS $$ SELECT $1.n < 100 $$;
            CREATE FUNCTION cyc.next_label(r cyc.t DEFAULT NULL) RETURNS text LANGUAGE sql VOLATILE
                AS $$ SELECT 'L' || count(*) FROM cyc.t $$;
            ALTER TABLE cyc.t ADD CONSTRAINT t_small CHECK (cyc.small(t));
            ALTER TABLE cyc.t ALTER COLUMN label SET DEFAULT cyc.next_label();
            INSERT INTO cyc.t (id, n) VALUES (1, 5);
            INSERT INTO cyc.t (id, n) VALUES (2, 7);

            CREATE TABLE cyc.capped (id integer PRIMARY KEY);
            CREATE FUNCTION cyc.room_left() RETURNS boolean LANGUAGE sql STABLE
                BEGIN ATOMIC
                    SELECT CASE WHEN count(*) < 100 THEN true ELSE false END FROM cyc.capped;
                END;
            ALTER TABLE cyc.capped ADD CONSTRAINT capped_room CHECK (cyc.room_left());
            INSERT INTO cyc.capped VALUES (1), (2);

            CREATE DOMAIN cyc.code AS text;
            CREATE TABLE cyc.codes (code cyc.code PRIMARY KEY);
            CREATE FUNCTION cyc.known_shape(c text) RETURNS boolean LANGUAGE sql STABLE
                BEGIN ATOMIC
                    SELECT length(c) = 3 OR EXISTS (SELECT 1 FROM cyc.codes WHERE false);
                END;
            ALTER DOMAIN cyc.code ADD CONSTRAINT code_shape CHECK (cyc.known_shape(VALUE));
            COMMENT ON CONSTRAINT code_shape ON DOMAIN cyc.code IS 'three letters';
            INSERT INTO cyc.codes VALUES ('abc'), ('xyz');

            CREATE TABLE cyc.a (id integer PRIMARY KEY, b_id integer);
            CREATE TABLE cyc.b (id integer PRIMARY KEY, a_id integer REFERENCES cyc.a);
            ALTER TABLE cyc.a ADD FOREIGN KEY (b_id) REFERENCES cyc.b;
            INSERT INTO cyc.a VALUES (1, NULL);
            INSERT INTO cyc.b VALUES (1, 1);
            UPDATE cyc.a SET b_id = 1;
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadTheCycles() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("cycles", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void circularDefinitionsRoundTripExactlyWithCpdbAndWithPsql() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(script.contains("CREATE OR REPLACE VIEW \"cyc\".\"v\""), "the view is replaced after its function");
        assertTrue(script.contains("ALTER TABLE \"cyc\".\"t\" ADD CONSTRAINT \"t_small\" CHECK"),
                "the check is added after its function");
        assertTrue(script.contains("ALTER TABLE ONLY \"cyc\".\"t\" ALTER COLUMN \"label\" SET DEFAULT"),
                "the default is set after its function");
        assertTrue(script.contains("ALTER DOMAIN cyc.code ADD CONSTRAINT \"code_shape\" CHECK"),
                "the domain's check is added after its function");
        assertTrue(script.indexOf("CREATE VIEW \"cyc\".\"v\"") < script.indexOf("CREATE OR REPLACE FUNCTION cyc.f()"));
        assertTrue(script.indexOf("CREATE OR REPLACE FUNCTION cyc.f()") < script
                .indexOf("CREATE OR REPLACE VIEW \"cyc\".\"v\""));
    }

    @Test
    void theRestoredObjectsWorkAsBefore() throws Exception {
        DatabaseUrl target = roundTrip.database("cycles_behaviour");
        BackupFixtures.restore(target, BackupFixtures.dump(source, 1, false), false);

        assertEquals("2", BackupFixtures.query(target, "SELECT a FROM cyc.v"));
        assertEquals("L2", BackupFixtures.query(target,
                "INSERT INTO cyc.t (id, n) VALUES (3, 1) RETURNING label"));
        java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                () -> BackupFixtures.query(target, "INSERT INTO cyc.t (id, n) VALUES (4, 500) RETURNING id"));
        assertEquals("23514", e.getSQLState(), e.getMessage());
    }
}
