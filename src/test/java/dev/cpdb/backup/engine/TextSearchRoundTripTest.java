package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * Full-text search objects of every kind: a parser, a template, dictionaries on a built-in and on that
 * template, and a configuration with mappings used by an index, with comments and owners.
 */
@RequiresPostgresClientTools
class TextSearchRoundTripTest {

    static final String FIXTURE = """
            CREATE SCHEMA fts;
            CREATE TEXT SEARCH PARSER fts.plain (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end,
                LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
            CREATE TEXT SEARCH TEMPLATE fts.simple_like (INIT = dsimple_init, LEXIZE = dsimple_lexize);
            CREATE TEXT SEARCH DICTIONARY fts.english_stem (TEMPLATE = snowball, language = 'english',
                stopwords = 'english');
            CREATE TEXT SEARCH DICTIONARY fts.lower_only (TEMPLATE = fts.simple_like, accept = false);
            CREATE TEXT SEARCH CONFIGURATION fts.docs (PARSER = fts.plain);
            ALTER TEXT SEARCH CONFIGURATION fts.docs ADD MAPPING FOR asciiword, word
                WITH fts.lower_only, fts.english_stem;
            ALTER TEXT SEARCH CONFIGURATION fts.docs ADD MAPPING FOR int, uint WITH simple;
            COMMENT ON TEXT SEARCH PARSER fts.plain IS 'the default parser again';
            COMMENT ON TEXT SEARCH TEMPLATE fts.simple_like IS 'like simple';
            COMMENT ON TEXT SEARCH DICTIONARY fts.english_stem IS 'stems';
            COMMENT ON TEXT SEARCH CONFIGURATION fts.docs IS 'for documents';
            ALTER TEXT SEARCH DICTIONARY fts.english_stem OWNER TO :owner;
            ALTER TEXT SEARCH CONFIGURATION fts.docs OWNER TO :owner;
            CREATE SCHEMA "Odd ""fts"" s";
            CREATE TEXT SEARCH DICTIONARY "Odd ""fts"" s"."Dict ""x"" d" (TEMPLATE = simple, stopwords = 'english');
            CREATE TEXT SEARCH CONFIGURATION "Odd ""fts"" s"."Conf ""y"" c" (COPY = fts.docs);
            CREATE TABLE fts.documents (id integer PRIMARY KEY, body text);
            INSERT INTO fts.documents VALUES (1, 'Running dogs and 42 cats'), (2, 'The quick brown fox');
            CREATE INDEX documents_search ON fts.documents USING gin (to_tsvector('fts.docs'::regconfig, body));
            """;

    private static KindRoundTrip roundTrip;
    private static DatabaseUrl source;

    @BeforeAll
    static void loadTheFixture() throws Exception {
        roundTrip = new KindRoundTrip();
        source = roundTrip.source("text_search", FIXTURE);
    }

    @AfterAll
    static void dropEverything() {
        if (roundTrip != null) {
            roundTrip.close();
        }
    }

    @Test
    void textSearchObjectsRoundTripExactlyWithCpdbAndWithPsql() throws Exception {
        String script = roundTrip.assertRoundTrips(source);

        assertTrue(script.contains("ALTER TEXT SEARCH CONFIGURATION \"fts\".\"docs\" ADD MAPPING FOR"),
                "carried, not refused or left out");
    }
}
