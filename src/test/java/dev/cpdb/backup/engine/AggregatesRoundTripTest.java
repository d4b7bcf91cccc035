package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * Aggregates of every variant PostgreSQL has, used by a view, with comments, an owner and privileges. The first one
 * is the kind of aggregate a widely used sample database holds ({@code group_concat(text)}).
 */
@RequiresPostgresClientTools
class AggregatesRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA agg;
            CREATE FUNCTION agg._group_concat(text, text) RETURNS text LANGUAGE sql IMMUTABLE
                AS $$ SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END $$;
            CREATE AGGREGATE agg.group_concat(text) (SFUNC = agg._group_concat, STYPE = text);
            COMMENT ON AGGREGATE agg.group_concat(text) IS 'joins texts';
            ALTER AGGREGATE agg.group_concat(text) OWNER TO :owner;

            CREATE FUNCTION agg.count_step(bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS 'SELECT $1 + 1';
            CREATE FUNCTION agg.count_final(bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS 'SELECT ''n='' || $1';
            CREATE AGGREGATE agg.star_count(*) (SFUNC = agg.count_step, STYPE = bigint, INITCOND = '0',
                FINALFUNC = agg.count_final, FINALFUNC_MODIFY = READ_WRITE, COMBINEFUNC = pg_catalog.int8pl,
                PARALLEL = SAFE);
            REVOKE ALL ON FUNCTION agg.star_count() FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION agg.star_count() TO :owner;

            CREATE AGGREGATE agg.moving_sum(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0',
                MSFUNC = int4pl, MINVFUNC = int4mi, MSTYPE = integer, MINITCOND = '0', PARALLEL = RESTRICTED);
            CREATE AGGREGATE agg.parallel_avg(numeric) (SFUNC = numeric_avg_accum, STYPE = internal,
                SSPACE = 128, FINALFUNC = numeric_avg, COMBINEFUNC = numeric_avg_combine,
                SERIALFUNC = numeric_avg_serialize, DESERIALFUNC = numeric_avg_deserialize, PARALLEL = SAFE);
            CREATE AGGREGATE agg.largest(integer) (SFUNC = int4larger, STYPE = integer, SORTOP = >);
            CREATE AGGREGATE agg.median(float8 ORDER BY float8) (SFUNC = ordered_set_transition,
                STYPE = internal, FINALFUNC = percentile_cont_float8_final);
            CREATE AGGREGATE agg.rank_of(VARIADIC "any" ORDER BY VARIADIC "any") (
                SFUNC = ordered_set_transition_multi, STYPE = internal, FINALFUNC = rank_final,
                FINALFUNC_EXTRA, HYPOTHETICAL);
            COMMENT ON AGGREGATE agg.rank_of(VARIADIC "any" ORDER BY VARIADIC "any") IS 'a hypothetical rank';

            CREATE SCHEMA "Odd ""agg"" é";
            CREATE AGGREGATE "Odd ""agg"" é"."Sum ""of"" it"(integer) (SFUNC = int4pl, STYPE = integer,
                INITCOND = '0');
            COMMENT ON AGGREGATE "Odd ""agg"" é"."Sum ""of"" it"(integer) IS 'a quoted ''name'' ';
            CREATE TABLE agg.words (id integer PRIMARY KEY, word text, n integer);
            INSERT INTO agg.words VALUES (1, 'alpha', 3), (2, 'beta', 9), (3, 'gamma', 4);
            CREATE VIEW agg.summary AS SELECT agg.group_concat(word ORDER BY id) AS words, agg.star_count(*) AS rows,
                agg.largest(n) AS largest, agg.median(0.5) WITHIN GROUP (ORDER BY n::float8) AS median,
                agg.rank_of(4) WITHIN GROUP (ORDER BY n) AS rank FROM agg.words;
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadAggregates() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("aggregates", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void everyAggregateVariantRoundTripsExactlyWithCpdbAndWithPsql() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(script.contains("CREATE AGGREGATE \"agg\".\"group_concat\"(text)"), "carried, not refused");
    }

    @Test
    void theRestoredAggregatesComputeWhatTheSourceComputes() throws Exception {
        DatabaseUrl target = roundTrip.database("aggregates_behaviour");
        BackupFixtures.restore(target, BackupFixtures.dump(source, 1, false), false);

        String summary = "SELECT s::text FROM agg.summary s";
        assertEquals(BackupFixtures.query(source, summary), BackupFixtures.query(target, summary));
        String moving = "SELECT string_agg(s::text, ',') FROM (SELECT agg.moving_sum(n) OVER (ORDER BY id ROWS "
                + "BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM agg.words) x";
        assertEquals("3,12,13", BackupFixtures.query(target, moving));
    }
}
