package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * Operators (infix and prefix, with commutator, negator, estimators, merge support), an operator family with
 * a loose cross-type member added by ALTER OPERATOR FAMILY ... ADD, and an operator class in it used by an index,
 * with comments and owners.
 */
@RequiresPostgresClientTools
class OperatorsRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA ops;
            CREATE FUNCTION ops.abs_lt(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE
                AS 'SELECT abs($1) < abs($2)';
            CREATE FUNCTION ops.abs_le(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE
                AS 'SELECT abs($1) <= abs($2)';
            CREATE FUNCTION ops.abs_eq(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE
                AS 'SELECT abs($1) = abs($2)';
            CREATE FUNCTION ops.abs_ge(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE
                AS 'SELECT abs($1) >= abs($2)';
            CREATE FUNCTION ops.abs_gt(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE
                AS 'SELECT abs($1) > abs($2)';
            CREATE FUNCTION ops.abs_cmp(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE
                AS 'SELECT CASE WHEN abs($1) < abs($2) THEN -1 WHEN abs($1) > abs($2) THEN 1 ELSE 0 END';
            CREATE FUNCTION ops.abs_cmp_big(integer, bigint) RETURNS integer LANGUAGE sql IMMUTABLE
                AS 'SELECT CASE WHEN abs($1) < abs($2) THEN -1 WHEN abs($1) > abs($2) THEN 1 ELSE 0 END';
            CREATE FUNCTION ops.abs_lt_big(integer, bigint) RETURNS boolean LANGUAGE sql IMMUTABLE
                AS 'SELECT abs($1) < abs($2)';
            CREATE FUNCTION ops.negate(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT -$1';
            CREATE OPERATOR ops.<| (FUNCTION = ops.abs_lt, LEFTARG = integer, RIGHTARG = integer,
                COMMUTATOR = OPERATOR(ops.|>), NEGATOR = OPERATOR(ops.|>=), RESTRICT = scalarltsel,
                JOIN = scalarltjoinsel);
            CREATE OPERATOR ops.<|= (FUNCTION = ops.abs_le, LEFTARG = integer, RIGHTARG = integer);
            CREATE OPERATOR ops.=| (FUNCTION = ops.abs_eq, LEFTARG = integer, RIGHTARG = integer,
                COMMUTATOR = OPERATOR(ops.=|), RESTRICT = eqsel, JOIN = eqjoinsel, MERGES);
            CREATE OPERATOR ops.|>= (FUNCTION = ops.abs_ge, LEFTARG = integer, RIGHTARG = integer);
            CREATE OPERATOR ops.|> (FUNCTION = ops.abs_gt, LEFTARG = integer, RIGHTARG = integer);
            CREATE OPERATOR ops.<<| (FUNCTION = ops.abs_lt_big, LEFTARG = integer, RIGHTARG = bigint);
            CREATE OPERATOR ops.~~~ (FUNCTION = ops.negate, RIGHTARG = integer);
            COMMENT ON OPERATOR ops.<| (integer, integer) IS 'smaller in magnitude';
            COMMENT ON OPERATOR ops.~~~ (NONE, integer) IS 'a prefix operator';
            ALTER OPERATOR ops.<| (integer, integer) OWNER TO :owner;
            CREATE OPERATOR FAMILY ops.abs_family USING btree;
            COMMENT ON OPERATOR FAMILY ops.abs_family USING btree IS 'ordering by magnitude';
            CREATE OPERATOR CLASS ops.abs_ops FOR TYPE integer USING btree FAMILY ops.abs_family AS
                OPERATOR 1 ops.<|, OPERATOR 2 ops.<|=, OPERATOR 3 ops.=|, OPERATOR 4 ops.|>=, OPERATOR 5 ops.|>,
                FUNCTION 1 ops.abs_cmp(integer, integer);
            ALTER OPERATOR FAMILY ops.abs_family USING btree ADD
                OPERATOR 1 ops.<<| (integer, bigint), FUNCTION 1 (integer, bigint) ops.abs_cmp_big(integer, bigint);
            COMMENT ON OPERATOR CLASS ops.abs_ops USING btree IS 'by magnitude';
            ALTER OPERATOR CLASS ops.abs_ops USING btree OWNER TO :owner;
            ALTER OPERATOR FAMILY ops.abs_family USING btree OWNER TO :owner;
            CREATE TABLE ops.numbers (id integer PRIMARY KEY, n integer);
            INSERT INTO ops.numbers VALUES (1, -5), (2, 3), (3, -1);
            CREATE INDEX numbers_by_magnitude ON ops.numbers (n ops.abs_ops);
            CREATE VIEW ops.small AS SELECT id FROM ops.numbers WHERE n OPERATOR(ops.<|) 4;
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadTheFixture() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("operators", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void operatorsFamiliesAndClassesRoundTripExactlyWithCpdbAndWithPsql() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(script.contains("ALTER OPERATOR FAMILY \"ops\".\"abs_family\" USING \"btree\" ADD"),
                "carried, not refused or left out");
    }
}
