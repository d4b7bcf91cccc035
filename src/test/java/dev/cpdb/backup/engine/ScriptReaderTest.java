package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Statement splitting as PostgreSQL's lexer (and psql) defines it: what may hide a semicolon. */
class ScriptReaderTest {

    private static final ScriptReader.DataSink<RuntimeException> DISCARD = (bytes, offset, length) -> {
    };

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
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        assertEquals(new ScriptReader.DataBlock(40, 3), reader.copyData(data::write));
        assertEquals("line; with semicolon\n\\\\.\nnot the end \\.\n", data.toString(StandardCharsets.UTF_8));
        ScriptReader.ScriptStatement next = reader.next().orElseThrow();
        assertEquals("SELECT 2", next.sql());
        assertEquals(6, next.line());
        assertEquals(Optional.empty(), reader.next());
    }

    @Test
    void copyDataFindsEveryLineEndWhateverTheBytesAroundIt() throws IOException {
        // Lines of every length up to a few words, of bytes next to the line end's value and with the high bit set.
        byte[] alphabet = { 'a', '\t', 0x0b, 0x09, (byte) 0x8a, (byte) 0xff, (byte) 0x80, '\\', '.', '\r' };
        java.util.Random random = new java.util.Random(17);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        int lines = 3000;
        int written = 0;
        while (written < lines) {
            byte[] line = new byte[random.nextInt(40)];
            for (int j = 0; j < line.length; j++) {
                line[j] = alphabet[random.nextInt(alphabet.length)];
            }
            String text = new String(line, StandardCharsets.ISO_8859_1);
            if (!text.equals("\\.") && !text.equals("\\.\r")) { // not the end line
                block.writeBytes(line);
                block.write('\n');
                written++;
            }
        }
        byte[] data = block.toByteArray();
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        script.writeBytes("COPY t (a) FROM stdin;\n".getBytes(StandardCharsets.UTF_8));
        script.writeBytes(data);
        script.writeBytes("\\.\nSELECT 2;\n".getBytes(StandardCharsets.UTF_8));
        // Read whole, and a few bytes per read, so that lines and end lines straddle the reader's buffer fills.
        for (InputStream in : List.of(new ByteArrayInputStream(script.toByteArray()),
                trickle(new ByteArrayInputStream(script.toByteArray()), 5))) {
            ScriptReader reader = new ScriptReader(in);
            reader.next();

            ByteArrayOutputStream copied = new ByteArrayOutputStream();
            assertEquals(new ScriptReader.DataBlock(data.length, lines), reader.copyData(copied::write));
            assertEquals(java.util.HexFormat.of().formatHex(data),
                    java.util.HexFormat.of().formatHex(copied.toByteArray()));
            assertEquals(lines + 3, reader.next().orElseThrow().line());
        }
    }

    /** {@code in}, giving at most {@code most} bytes per read. */
    private static InputStream trickle(InputStream in, int most) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return super.read(bytes, offset, Math.min(length, most));
            }
        };
    }

    @Test
    void aMeasuredDataBlockIsPassedOnWholeAndMustEndWhereItWasMeasured() throws IOException {
        String script = "COPY t (a) FROM stdin;\n1\n2\n\\.\nSELECT 2;\n";
        ScriptReader measuring = reader(script);
        measuring.next();
        ScriptReader.DataBlock block = measuring.copyData(DISCARD);

        ScriptReader same = reader(script);
        same.next();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        same.copyData(block, data::write);
        assertEquals("1\n2\n", data.toString(StandardCharsets.UTF_8));
        assertEquals(5, same.next().orElseThrow().line());

        // Longer data, shorter data, and data of which the measured bytes end a line but no end line follows them.
        for (String changed : List.of(script.replace("2\n", "22\n"), script.replace("1\n2\n", "1\n"),
                script.replace("1\n2\n", "1\n2\n3\n"))) {
            ScriptReader other = reader(changed);
            other.next();
            IOException e = assertThrows(IOException.class, () -> other.copyData(block, DISCARD), changed);
            assertTrue(e.getMessage().contains("is not the data the checking pass read"), e.getMessage());
        }
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
            cut.copyData(DISCARD);
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
