package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Statement splitting as PostgreSQL's lexer (and psql) defines it: what may hide a semicolon. */
class ScriptReaderTest {

    @Test
    void semicolonsInsideQuotesCommentsAndDollarBodiesDoNotEndAStatement() throws IOException {
        List<String> statements = statements("""
                SELECT 'a;b', "weird;name" FROM t; -- comment; here
                CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $not_end$ ; $body$ LANGUAGE sql;
                /* block; /* nested; */ still comment; */ SELECT E'it\\'s;', 'it''s;';
                SELECT $$;$$;
                SELECT $1::int;
                """);

        assertEquals(List.of(
                "SELECT 'a;b', \"weird;name\" FROM t",
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $not_end$ ; $body$ LANGUAGE sql",
                "SELECT E'it\\'s;', 'it''s;'",
                "SELECT $$;$$",
                "SELECT $1::int"), statements);
    }

    @Test
    void semicolonsInsideAStandardSqlFunctionBodyDoNotEndTheStatement() throws IOException {
        // psql's rule: in CREATE FUNCTION or PROCEDURE, BEGIN opens a block (CASE inside it too) that END closes.
        List<String> statements = statements("""
                CREATE OR REPLACE FUNCTION s.f(x integer)
                 RETURNS integer
                 LANGUAGE sql
                BEGIN ATOMIC
                 SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;
                 SELECT 2;
                END;
                CREATE PROCEDURE s.p() LANGUAGE sql BEGIN ATOMIC INSERT INTO s.t VALUES (1); END;
                SELECT 'begin';
                BEGIN;
                """);

        assertEquals(4, statements.size(), statements.toString());
        assertTrue(statements.get(0).endsWith("SELECT 2;\nEND"), statements.get(0));
        assertEquals("CREATE PROCEDURE s.p() LANGUAGE sql BEGIN ATOMIC INSERT INTO s.t VALUES (1); END",
                statements.get(1));
        assertEquals(List.of("SELECT 'begin'", "BEGIN"), statements.subList(2, 4));
    }

    @Test
    void copyDataIsStreamedUpToTheEndLineAndMayContainAnything() throws IOException {
        String script = "COPY t (a) FROM stdin;\nline; with semicolon\n\\\\.\nnot the end \\.\n\\.\nSELECT 2;\n";
        ScriptReader reader = new ScriptReader(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));

        ScriptReader.ScriptStatement copy = reader.next().orElseThrow();
        assertTrue(copy.copyFromStdin());
        assertEquals("line; with semicolon\n\\\\.\nnot the end \\.\n",
                new String(reader.copyData().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("SELECT 2", reader.next().orElseThrow().sql());
        assertEquals(Optional.empty(), reader.next());
    }

    @Test
    void theEndMarkerMustBeTheLastThing() throws IOException {
        ScriptReader complete = reader("SELECT 1;\n" + BackupEngine.END_MARKER + "\n");
        while (complete.next().isPresent()) {
            // read all
        }
        assertTrue(complete.endMarkerSeen());

        ScriptReader truncated = reader("SELECT 1;\nSELECT 2;\n");
        while (truncated.next().isPresent()) {
            // read all
        }
        assertFalse(truncated.endMarkerSeen());
    }

    @Test
    void aScriptCutInsideAStatementOrCopyBlockIsAnError() {
        assertThrows(IOException.class, () -> statements("SELECT 'unterminated"));
        assertThrows(IOException.class, () -> statements("SELECT 1"));
        ScriptReader cut = reader("COPY t FROM stdin;\n1\n2");
        assertThrows(IOException.class, () -> {
            cut.next();
            cut.copyData().readAllBytes();
        });
    }

    private static ScriptReader reader(String script) {
        return new ScriptReader(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> statements(String script) throws IOException {
        ScriptReader reader = reader(script);
        List<String> result = new ArrayList<>();
        Optional<ScriptReader.ScriptStatement> next;
        while ((next = reader.next()).isPresent()) {
            result.add(next.get().sql());
        }
        return result;
    }
}
