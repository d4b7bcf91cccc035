package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The closed grammar of restores ({@link ScriptForms}), checked on whole scripts the way a restore checks them before
 * its first statement. The refused forms are the ones a store writer could use against the target or its server.
 */
class ScriptFormsTest {

    private static final String HEADER = "SET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', "
            + "false);\n\nCREATE SCHEMA \"shop\";\n\nCREATE TABLE \"shop\".\"t\" (\n    \"id\" integer NOT NULL\n);\n\n";
    private static final String DATA = "COPY \"shop\".\"t\" (\"id\") FROM stdin;\n1\n2\n\\.\n\n";
    private static final String END = BackupEngine.END_MARKER + "\n";

    @Test
    void whatTheEngineWritesIsAccepted() {
        String script = HEADER + DATA
                + "CREATE OR REPLACE FUNCTION shop.f(x integer)\n RETURNS integer\n LANGUAGE plpgsql\nAS $function$\n"
                + "BEGIN COMMIT; EXECUTE 'COPY (SELECT 1) TO PROGRAM ''true'''; RETURN x; END\n$function$\n;\n\n"
                + "SELECT pg_catalog.setval('\"shop\".\"s\"', 42, true);\n\n"
                + "CREATE UNIQUE INDEX t_pkey ON shop.t USING btree (id);\n\n"
                + "ALTER TABLE ONLY \"shop\".\"t\" ADD CONSTRAINT \"t_pkey\" PRIMARY KEY USING INDEX t_pkey;\n\n"
                + "COMMENT ON TABLE \"shop\".\"t\" IS 'COMMIT; DROP DATABASE x; -- OWNER TO';\n\n" + END;

        assertEquals(10, check(script, false));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "COMMIT;|transaction control",
            "BEGIN;|transaction control",
            "END;|transaction control",
            "ROLLBACK;|transaction control",
            "SAVEPOINT s;|transaction control",
            "PREPARE TRANSACTION 'x';|transaction control",
            "COPY (SELECT 1) TO PROGRAM 'touch /tmp/x';|a COPY other than COPY table FROM stdin",
            "COPY \"shop\".\"t\" FROM '/etc/passwd';|a COPY other than COPY table FROM stdin",
            "COPY \"shop\".\"t\" TO '/tmp/x';|a COPY other than COPY table FROM stdin",
            "\\! touch /tmp/x\\nSELECT 1;|a psql meta-command",
            "SET ROLE postgres;|a role change",
            "SET SESSION AUTHORIZATION \"postgres\";|owners or privileges (grantor)",
            "RESET ROLE;|a role change",
            "ALTER SYSTEM SET work_mem = '1MB';|a change of the server's configuration",
            "CREATE ROLE evil SUPERUSER LOGIN;|a role definition",
            "ALTER ROLE cpdb SUPERUSER;|a role definition",
            "DROP ROLE cpdb;|a role definition",
            "DROP DATABASE cpdb;|dropping a database",
            "LOAD 'plpgsql';|loading a server library",
            "DO $$ BEGIN PERFORM 1; END $$;|an anonymous code block",
            "GRANT pg_execute_server_program TO PUBLIC;|a grant or revoke of a form cpdb does not write",
            "CREATE TABLE \"shop\".\"u\" AS SELECT 1;|a statement form cpdb does not write",
            "ALTER TABLE \"shop\".\"t\" ADD COLUMN \"x\" int, OWNER TO \"postgres\";|a statement form cpdb does not write",
            "SELECT pg_catalog.setval('\"shop\".\"s\"', 1, true), pg_sleep(1);|a statement form cpdb does not write",
            "SET search_path = evil;|a statement form cpdb does not write",
            "ALTER TABLE \"shop\".\"t\" OWNER TO \"postgres\";|owners or privileges (owner)" })
    void otherFormsAreRefusedWithTheirLineAndReason(String statement, String reason) {
        String script = HEADER + DATA + statement.replace("\\n", "\n") + "\n\n" + END;
        long line = HEADER.lines().count() + DATA.lines().count() + 1;

        BackupException e = assertThrows(BackupException.class, () -> check(script, false));

        assertTrue(e.getMessage().startsWith("checking the script: line " + line + " is refused: " + reason),
                e.getMessage());
    }

    @Test
    void aGrantorMustBeResetRightAfterItsOneGrant() {
        String grant = "GRANT SELECT ON TABLE \"shop\".\"t\" TO \"reader\";\n";
        String allowed = HEADER + "SET SESSION AUTHORIZATION \"owner\";\n" + grant
                + "RESET SESSION AUTHORIZATION;\n" + END;
        assertEquals(7, check(allowed, true));

        String twoStatements = HEADER + "SET SESSION AUTHORIZATION \"owner\";\n" + grant
                + "CREATE SCHEMA \"x\";\nRESET SESSION AUTHORIZATION;\n" + END;
        BackupException e = assertThrows(BackupException.class, () -> check(twoStatements, true));
        assertTrue(e.getMessage().contains("is not reset right after its GRANT"), e.getMessage());

        String neverReset = HEADER + "SET SESSION AUTHORIZATION \"owner\";\n" + grant + END;
        assertTrue(assertThrows(BackupException.class, () -> check(neverReset, true)).getMessage()
                .contains("SET SESSION AUTHORIZATION is never reset"));
    }

    @Test
    void ownersAndPrivilegesOnlyWhereTheManifestSaysSo() {
        String script = HEADER + "ALTER TABLE \"shop\".\"t\" OWNER TO \"app\";\n"
                + "GRANT SELECT ON TABLE \"shop\".\"t\" TO PUBLIC;\n" + END;

        assertEquals(6, check(script, true));
        assertTrue(assertThrows(BackupException.class, () -> check(script, false)).getMessage()
                .contains("the manifest says the backup has none"));
    }

    @Test
    void aStatementTheDriverWouldSplitIsRefusedEvenIfItStartsLikeAnAcceptedForm() {
        // The reader never returns such a statement (it splits where the driver does); this is the guard for the
        // day the two lexers disagree.
        String sql = "CREATE TABLE \"shop\".\"u\" (id int); DROP DATABASE cpdb";
        ScriptReader.ScriptStatement statement = new ScriptReader.ScriptStatement(sql, sql, false, 7);

        BackupException e = assertThrows(BackupException.class,
                () -> new ScriptForms.Checker(false).check(statement));

        assertTrue(e.getMessage().contains("line 7 is refused: text the database driver would split"), e.getMessage());
        assertEquals(1, ScriptForms.driverStatements("CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1; "
                + "SELECT 2 $$ LANGUAGE sql"));
    }

    @Test
    void aScriptWithoutItsEndMarkerIsRefused() {
        BackupException e = assertThrows(BackupException.class, () -> check(HEADER + DATA, false));

        assertTrue(e.getMessage().contains("its end marker is missing"), e.getMessage());
    }

    /** Large objects as {@link LargeObjects} writes them: created by oid, chunks in order, then their metadata. */
    private static final String LARGE_OBJECTS = "SELECT pg_catalog.lo_create('16385');\n"
            + "SELECT pg_catalog.lo_put('16385', 0, '\\x00ff41');\n"
            + "SELECT pg_catalog.lo_put('16385', 3, '\\x0a');\n"
            + "COMMENT ON LARGE OBJECT 16385 IS 'scan; COMMIT; -- l''été';\n"
            + "ALTER LARGE OBJECT 16385 OWNER TO \"app owner\";\n"
            + "REVOKE UPDATE ON LARGE OBJECT 16385 FROM \"app owner\";\n"
            + "GRANT SELECT ON LARGE OBJECT 16385 TO \"reader\" WITH GRANT OPTION;\n"
            + "SET SESSION AUTHORIZATION \"reader\";\n"
            + "GRANT SELECT ON LARGE OBJECT 16385 TO PUBLIC;\n"
            + "RESET SESSION AUTHORIZATION;\n\n"
            + "SELECT pg_catalog.lo_create('16386');\n\n"
            + "SELECT pg_catalog.lo_create('4294967295');\n"
            + "SELECT pg_catalog.lo_put('4294967295', 0, '\\x" + "ab".repeat(LargeObjects.CHUNK_BYTES) + "');\n"
            + "SELECT pg_catalog.lo_put('4294967295', " + LargeObjects.CHUNK_BYTES + ", '\\x01');\n\n";

    @Test
    void largeObjectsAsTheEngineWritesThemAreAcceptedAndCounted() {
        String script = HEADER + DATA + LARGE_OBJECTS + END;
        ScriptForms.Checker checker = new ScriptForms.Checker(true);
        ScriptReader reader = new ScriptReader(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));

        long statements = 0;
        try {
            java.util.Optional<ScriptReader.ScriptStatement> next;
            while ((next = reader.next()).isPresent()) {
                statements++;
                if (checker.check(next.get()).kind() == ScriptForms.Kind.DATA) {
                    reader.copyData().transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        checker.finish();

        assertEquals(5 + 14, statements);
        assertEquals(new LargeObjectStats(3, 4 + LargeObjects.CHUNK_BYTES + 1), checker.largeObjects());
        // Without owners and privileges only the owner and privilege forms are refused.
        assertTrue(assertThrows(BackupException.class, () -> check(HEADER + LARGE_OBJECTS + END, false))
                .getMessage().contains("owners or privileges (large object owner)"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // Statements that reach beyond the objects the script creates.
            "SELECT pg_catalog.lo_put('99', 0, '\\x00');|it concerns large object 99, but the large object just "
                    + "created is 16385",
            "COMMENT ON LARGE OBJECT 99 IS 'x';|it concerns large object 99",
            "ALTER LARGE OBJECT 99 OWNER TO \"app\";|it concerns large object 99",
            "GRANT UPDATE ON LARGE OBJECT 99 TO PUBLIC;|it concerns large object 99",
            "SELECT pg_catalog.lo_create('16385');|large object 16385 is not created in increasing oid order",
            "SELECT pg_catalog.lo_create('16000');|large object 16000 is not created in increasing oid order",
            "SELECT pg_catalog.lo_create('0');|large object oid 0 is out of range",
            "SELECT pg_catalog.lo_create('4294967296');|large object oid 4294967296 is out of range",
            // Chunks out of order, overlapping, detached from their object or too big.
            "SELECT pg_catalog.lo_put('16385', 0, '\\x00');|data for large object 16385 at offset 0 where offset 3 "
                    + "comes next",
            "CREATE SCHEMA \"x\";\\nSELECT pg_catalog.lo_put('16385', 1, '\\x00');|data for large object 16385 "
                    + "that does not follow",
            "SELECT pg_catalog.lo_create('17000');\\nSELECT pg_catalog.lo_put('17000', 5, '\\x00');|data for large "
                    + "object 17000 at offset 5 where offset 0 comes next",
            "SELECT pg_catalog.lo_create('17000');\\nSELECT pg_catalog.lo_put('17000', 0, '\\x0');|a chunk of "
                    + "large object 17000 that is empty, odd or bigger",
            "SELECT pg_catalog.lo_create('17000');\\nSELECT pg_catalog.lo_put('17000', 0, '\\x');|a chunk of "
                    + "large object 17000 that is empty, odd or bigger",
            "SELECT pg_catalog.lo_create('17000');\\nSELECT pg_catalog.lo_put('17000', 0, 'BIG');|a chunk of "
                    + "large object 17000 that is empty, odd or bigger",
            // Other large-object functions and other ways of calling these.
            // The chunk's hex digits are checked by a loop of their own: only ASCII lower-case hex passes.
            "SELECT pg_catalog.lo_put('16385', 3, '\\xＡＡ');|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_put('16385', 3, '\\xAB');|a statement form cpdb does not write",
            "`SELECT pg_catalog.lo_put('16385', 3, '\\x00' || 'ab');`|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_put('16385', 3, '\\x00'), pg_catalog.pg_sleep(1);|a statement form cpdb does "
                    + "not write",
            "SELECT pg_catalog.lo_put('16385', 3, '\\x00'::text::bytea);|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_put('16385', 3, E'\\x00');|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_import('/etc/passwd', 17000);|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_export('16385', '/tmp/x');|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_unlink('16385');|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_from_bytea('17000', '\\x00');|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_open('16385', 131072);|a statement form cpdb does not write",
            "SELECT pg_catalog.lowrite(0, '\\x00');|a statement form cpdb does not write",
            "SELECT lo_create('17000');|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_create('17000'), pg_catalog.pg_sleep(1);|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_create(17000);|a statement form cpdb does not write",
            "SELECT pg_catalog.lo_put('16385', 4, pg_catalog.pg_read_binary_file('/etc/passwd'));|a statement form "
                    + "cpdb does not write",
            "SELECT pg_catalog.lo_put('16385', 4, '\\x00') FROM pg_catalog.pg_largeobject_metadata;|a statement "
                    + "form cpdb does not write",
            "GRANT SELECT ON LARGE OBJECT 99, 16385 TO \"x\";|a grant or revoke of a form cpdb does not write",
            "GRANT SELECT ON LARGE OBJECT 16385 TO \"x\" GRANTED BY \"y\";|a grant or revoke of a form cpdb "
                    + "does not write",
            "GRANT SELECT ON LARGE OBJECT 16385 TO \"x\", pg_execute_server_program;|a grant or revoke of a "
                    + "form cpdb does not write" })
    void largeObjectStatementsOutsideTheirOrderOrFormAreRefused(String statements, String reason) {
        String prefix = HEADER + "SELECT pg_catalog.lo_create('16385');\n"
                + "SELECT pg_catalog.lo_put('16385', 0, '\\x00ff41');\n";
        // BIG stands for a chunk one byte over the limit.
        String script = prefix + statements.replace("\\n", "\n")
                .replace("'BIG'", "'\\x" + "00".repeat(LargeObjects.CHUNK_BYTES + 1) + "'") + "\n" + END;
        long last = prefix.lines().count() + statements.split("\\\\n").length;

        BackupException e = assertThrows(BackupException.class, () -> check(script, true));

        assertTrue(e.getMessage().startsWith("checking the script: line " + last + " is refused: " + reason),
                e.getMessage());
    }

    private static long check(String script, boolean ownersAndPrivileges) {
        return RestoreEngine.check(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)),
                ownersAndPrivileges);
    }
}
