package dev.cpdb.database.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StatementNamesTest {

    @Test
    void aNameIsTheVerbAndTheFirstTableNamed() {
        assertEquals("select public.issues", StatementNames.derive("SELECT * FROM public.issues WHERE id = $1"));
        assertEquals("insert activity", StatementNames.derive("insert into activity (a) values ($1)"));
        assertEquals("update app.goals", StatementNames.derive("UPDATE \"app\".\"goals\" SET title = $1"));
        assertEquals("delete agents", StatementNames.derive("  DELETE FROM agents WHERE id = $1"));
        assertEquals("select", StatementNames.derive("SELECT current_setting('server_version')"));
        assertEquals("begin", StatementNames.derive("BEGIN"));
    }

    @Test
    void aWordInsideALiteralIsNotTakenForATable() {
        assertEquals("select", StatementNames.derive("SELECT 'from secrets' AS text"));
    }

    @Test
    void literalsOfEveryQuotingAreRedacted() {
        assertEquals("SELECT '?', '?', '?', $1", StatementNames.redactLiterals("SELECT 'a''b', E'c\\'d', 'x', $1"));
        assertEquals("CREATE FUNCTION f() AS '?' LANGUAGE sql",
                StatementNames.redactLiterals("CREATE FUNCTION f() AS $body$ SELECT 'x' $body$ LANGUAGE sql"));
    }

    @Test
    void aHugeStatementIsNamedAndRedactedWithoutDeepRecursionAndShownShortened() {
        String chunk = "SELECT pg_catalog.lo_put('16400', 0, '\\x" + "ab".repeat(512 * 1024) + "')";

        assertEquals("select", StatementNames.derive(chunk));
        String shown = StatementNames.redactLiterals(chunk);
        assertEquals("SELECT pg_catalog.lo_put('?', 0, '?')", shown);
        String unterminated = "SELECT '" + "x".repeat(10_000);
        assertEquals("SELECT '?'", StatementNames.redactLiterals(unterminated));
        String long_ = "SELECT " + "a, ".repeat(5000) + "b";
        assertEquals(true, StatementNames.redactLiterals(long_).endsWith("…(" + long_.length() + " characters)"));
        Map<String, String> cache = new HashMap<>();
        StatementNames.name(chunk, cache, 10);
        assertEquals(true, cache.keySet().stream().allMatch(key -> key.length() <= StatementNames.NAMING_PREFIX));
    }

    @Test
    void namesBeyondTheBoundShareOther() {
        Map<String, String> cache = new HashMap<>();

        assertEquals("select a", StatementNames.name("SELECT 1 FROM a", cache, 1));
        assertEquals("other", StatementNames.name("SELECT 1 FROM b", cache, 1));
        assertEquals("select a", StatementNames.name("SELECT 1 FROM a", cache, 1));
    }

    @Test
    void valuesAreQuotedAndShortened() {
        assertEquals("'it''s'", StatementNames.show("it's"));
        assertEquals("42", StatementNames.show(42));
        assertEquals("NULL", StatementNames.show(null));
        assertEquals("<3 bytes>", StatementNames.show(new byte[3]));
        assertEquals(true, StatementNames.show("x".repeat(500)).endsWith("…(500 characters)'"));
    }
}
