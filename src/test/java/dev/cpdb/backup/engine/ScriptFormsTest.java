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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // Procedural languages
            "language|CREATE TRUSTED PROCEDURAL LANGUAGE \"pl\" HANDLER \"s\".\"h\" INLINE pg_catalog.i "
                    + "VALIDATOR pg_catalog.v;",
            // Foreign-data wrappers, servers, user mappings, foreign tables
            "foreign data wrapper|CREATE FOREIGN DATA WRAPPER \"w\" HANDLER \"s\".\"h\" VALIDATOR \"s\".\"v\" "
                    + "OPTIONS (\\n    \"a\" 'x''y', \"b\" ''\\n);",
            "server|CREATE SERVER \"srv\" TYPE 't' VERSION '1' FOREIGN DATA WRAPPER \"w\" OPTIONS (\\n    "
                    + "\"host\" 'db'\\n);",
            "user mapping|CREATE USER MAPPING FOR PUBLIC SERVER \"srv\";",
            "user mapping|CREATE USER MAPPING FOR \"app\" SERVER \"srv\" OPTIONS (\\n    \"password\" 'pw'\\n);",
            "foreign table|CREATE FOREIGN TABLE \"shop\".\"f\" (\\n    \"program\" text OPTIONS (\"a\" 'b')\\n)"
                    + "\\nSERVER \"srv\" OPTIONS (\\n    \"filename\" '/dev/null'\\n);",
            "foreign table|CREATE FOREIGN TABLE \"shop\".\"p\" PARTITION OF \"shop\".\"t\" DEFAULT\\n"
                    + "SERVER \"srv\";",
            "foreign table column options|ALTER FOREIGN TABLE ONLY \"shop\".\"f\" ALTER COLUMN \"c\" OPTIONS "
                    + "(\\n    \"column_name\" 'C'\\n);",
            "comment on foreign table|COMMENT ON FOREIGN TABLE \"shop\".\"f\" IS 'feed';",
            // Column options
            "table change|ALTER TABLE ONLY \"shop\".\"t\" ALTER COLUMN \"id\" SET STATISTICS 100;",
            "materialized view column options|ALTER MATERIALIZED VIEW \"shop\".\"m\" ALTER COLUMN \"c\" SET "
                    + "STORAGE MAIN;",
            "materialized view column options|ALTER MATERIALIZED VIEW \"shop\".\"m\" ALTER COLUMN \"c\" SET "
                    + "(n_distinct=-0.5, n_distinct_inherited=40);",
            "foreign table column options|ALTER FOREIGN TABLE ONLY \"shop\".\"f\" ALTER COLUMN \"c\" SET "
                    + "STATISTICS 10;",
            "index column statistics|ALTER INDEX \"shop\".\"i\" ALTER COLUMN 1 SET STATISTICS 400;",
            // Comments on database-wide objects
            "comment on database-wide object|COMMENT ON SERVER \"srv\" IS 'x';",
            "comment on database-wide object|COMMENT ON EVENT TRIGGER \"e\" IS 'x';",
            // Publications
            "publication|CREATE PUBLICATION \"p\" WITH (publish = 'insert, update');",
            "publication|CREATE PUBLICATION \"p\" FOR ALL TABLES WITH (publish = '', "
                    + "publish_via_partition_root = true);",
            "publication table|ALTER PUBLICATION \"p\" ADD TABLE ONLY \"shop\".\"t\" (\"id\") WHERE ((id > 10));",
            "publication table|ALTER PUBLICATION \"p\" ADD TABLE ONLY \"shop\".\"t\";",
            "publication schema|ALTER PUBLICATION \"p\" ADD TABLES IN SCHEMA \"shop\";",
            // Event triggers
            "event trigger|CREATE EVENT TRIGGER \"e\" ON \"ddl_command_end\"\\n    WHEN TAG IN ('CREATE TABLE', "
                    + "'ALTER TABLE')\\n    EXECUTE FUNCTION \"shop\".\"f\"();",
            "event trigger state|ALTER EVENT TRIGGER \"e\" ENABLE REPLICA;" })
    void theFormsOfForeignDataPublicationsEventTriggersLanguagesAndColumnOptionsAreAccepted(String form,
            String statement) {
        String sql = statement.replace("\\n", "\n");
        String shape = sql.replaceAll("'[^']*'", "''");

        assertEquals(form, ScriptForms.match(sql.substring(0, sql.length() - 1), shape).map(ScriptForms.Form::name)
                .orElse("refused"));
        assertEquals(5, check(HEADER + sql + "\n\n" + END, false), "the header's four statements and this one");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "CREATE FOREIGN TABLE \"shop\".\"f\" (\"l\" text) SERVER \"srv\" OPTIONS (\"program\" 'rm -rf /');",
            "CREATE FOREIGN TABLE \"shop\".\"f\" (\"l\" text) SERVER \"srv\" OPTIONS (program 'id');",
            "CREATE FOREIGN TABLE \"shop\".\"f\" (\"l\" text) SERVER \"srv\" OPTIONS (\"a\" 'b',program 'id');",
            "CREATE SERVER \"srv\" FOREIGN DATA WRAPPER \"w\"; DROP DATABASE cpdb;",
            "CREATE SERVER \"srv\" FOREIGN DATA WRAPPER \"w\" OPTIONS (\"a\" 'b') OWNER TO \"postgres\";",
            "CREATE USER MAPPING FOR \"app\" SERVER \"srv\" OPTIONS (\"a\" current_user);",
            "CREATE USER evil SUPERUSER;",
            "CREATE EVENT TRIGGER \"e\" ON \"ddl_command_end\" EXECUTE FUNCTION \"shop\".\"f\"(), x;",
            "CREATE EVENT TRIGGER \"e\" ON \"ddl_command_end\" EXECUTE PROCEDURE pg_sleep(1);",
            "ALTER EVENT TRIGGER \"e\" RENAME TO \"f\";",
            "ALTER PUBLICATION \"p\" ADD TABLE ONLY \"shop\".\"t\", \"shop\".\"u\" WHERE (true);",
            "ALTER PUBLICATION \"p\" SET (publish = 'insert');",
            "CREATE PUBLICATION \"p\" WITH (publish = 'insert') ; SELECT 1;",
            "ALTER MATERIALIZED VIEW \"shop\".\"m\" ALTER COLUMN \"c\" SET (n_distinct=(SELECT 1));",
            "ALTER INDEX \"shop\".\"i\" ALTER COLUMN 1 SET TABLESPACE x;",
            "CREATE PROCEDURAL LANGUAGE \"pl\" HANDLER pg_catalog.pg_sleep(1);",
            "COMMENT ON SERVER \"srv\" IS current_user;" })
    void hostileVariantsOfThoseFormsAreRefused(String statement) {
        String script = HEADER + statement.replace("\\n", "\n") + "\n\n" + END;

        BackupException e = assertThrows(BackupException.class, () -> check(script, false));

        assertTrue(e.getMessage().contains("is refused"), e.getMessage());
    }

    @Test
    void ownersAndGrantsOfForeignDataAndLanguagesNeedTheManifestsSayso() {
        String script = HEADER + "ALTER SERVER \"srv\" OWNER TO \"app\";\n"
                + "ALTER FOREIGN TABLE \"shop\".\"f\" OWNER TO \"app\";\n"
                + "GRANT USAGE ON FOREIGN SERVER \"srv\" TO \"reader\";\n"
                + "REVOKE ALL ON LANGUAGE \"pl\" FROM PUBLIC;\n"
                + "SET SESSION AUTHORIZATION \"owner\";\nGRANT USAGE ON FOREIGN DATA WRAPPER \"w\" TO \"x\";\n"
                + "RESET SESSION AUTHORIZATION;\n" + END;

        assertEquals(11, check(script, true));
        assertTrue(assertThrows(BackupException.class, () -> check(script, false)).getMessage()
                .contains("the manifest says the backup has none"));
    }

    private static long check(String script, boolean ownersAndPrivileges) {
        return RestoreEngine.check(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)),
                ownersAndPrivileges);
    }
}
