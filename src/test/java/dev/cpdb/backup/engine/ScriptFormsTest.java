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
            // Aggregates
            "aggregate|CREATE AGGREGATE \"agg\".\"group_concat\"(text) (\\n    SFUNC = agg._group_concat,\\n    "
                    + "STYPE = text\\n);",
            "aggregate|CREATE AGGREGATE \"agg\".\"rank_of\"(VARIADIC \"any\" ORDER BY VARIADIC \"any\") (\\n    "
                    + "SFUNC = ordered_set_transition_multi,\\n    STYPE = internal,\\n    HYPOTHETICAL\\n);",
            "comment on a catalog kind|COMMENT ON AGGREGATE \"agg\".\"star_count\"(*) IS 'counts';",
            // Casts
            "cast|CREATE CAST (integer AS money.cents) WITH FUNCTION money.cents_of(integer) AS ASSIGNMENT;",
            "cast|CREATE CAST (money.label AS json) WITH INOUT;",
            "cast|CREATE CAST (money.a AS money.b) WITHOUT FUNCTION AS IMPLICIT;",
            "comment on a catalog kind|COMMENT ON CAST (integer AS money.cents) IS 'x';",
            // Operators, families, classes
            "operator|CREATE OPERATOR \"ops\".<% (\\n    FUNCTION = ops.abs_lt,\\n    LEFTARG = integer,\\n    "
                    + "RIGHTARG = integer,\\n    COMMUTATOR = OPERATOR(\"ops\".%>)\\n);",
            "operator family|CREATE OPERATOR FAMILY \"ops\".\"abs_family\" USING \"btree\";",
            "operator family members|ALTER OPERATOR FAMILY \"ops\".\"abs_family\" USING \"btree\" ADD\\n    "
                    + "OPERATOR 1 ops.<<%(integer,bigint),\\n    FUNCTION 1 (integer, bigint) "
                    + "ops.abs_cmp_big(integer,bigint);",
            "operator class|CREATE OPERATOR CLASS \"ops\".\"abs_ops\" DEFAULT FOR TYPE integer USING \"btree\" "
                    + "FAMILY \"ops\".\"abs_family\" AS\\n    OPERATOR 1 ops.<%(integer,integer),\\n    "
                    + "FUNCTION 1 (integer, integer) ops.abs_cmp(integer,integer);",
            "comment on a catalog kind|COMMENT ON OPERATOR CLASS \"ops\".\"abs_ops\" USING \"btree\" IS 'x';",
            "comment on a catalog kind|COMMENT ON OPERATOR \"ops\".~~~ (NONE, integer) IS 'x';",
            // Collations and conversions
            "collation|CREATE COLLATION \"words\".\"caseless\" (provider = icu, locale = 'und-u-ks-level2', "
                    + "deterministic = false);",
            "conversion|CREATE DEFAULT CONVERSION \"enc\".\"u\" FOR 'UTF8' TO 'LATIN1' FROM utf8_to_iso8859_1;",
            // Text search
            "text search object|CREATE TEXT SEARCH DICTIONARY \"fts\".\"stem\" (TEMPLATE = pg_catalog.snowball, "
                    + "language = 'english');",
            "text search object|CREATE TEXT SEARCH PARSER \"fts\".\"p\" (START = prsd_start, GETTOKEN = "
                    + "prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype);",
            "text search mapping|ALTER TEXT SEARCH CONFIGURATION \"fts\".\"docs\" ADD MAPPING FOR \"asciiword\" "
                    + "WITH \"fts\".\"lower_only\", pg_catalog.simple;",
            "comment on a catalog kind|COMMENT ON TEXT SEARCH CONFIGURATION \"fts\".\"docs\" IS 'x';",
            // Typed tables
            "typed table|CREATE TABLE \"typed\".\"people\" OF typed.person (\\n    \"name\" WITH OPTIONS DEFAULT "
                    + "'nobody'::text NOT NULL\\n);",
            "typed table|CREATE TABLE \"typed\".\"plain\" OF \"typed\".\"person\";",
            // Rules
            "rule|CREATE RULE log_insert AS\\n    ON INSERT TO rules.items DO  INSERT INTO rules.log (id, action)\\n"
                    + "  VALUES (new.id, 'insert'::text);",
            "rule state|ALTER TABLE \"rules\".\"items\" DISABLE RULE \"no_delete\";",
            "comment on a catalog kind|COMMENT ON RULE \"log_insert\" ON \"rules\".\"items\" IS 'x';",
            // A view in a dependency cycle, replaced once its function exists
            "view replacement|CREATE OR REPLACE VIEW \"cyc\".\"v\" AS\\n SELECT f.a\\n   FROM cyc.f() f(a, b);" })
    void theFormsOfAggregatesCastsOperatorsCollationsConversionsTextSearchTypedTablesAndRulesAreAccepted(
            String form, String statement) {
        String sql = statement.replace("\\n", "\n");
        String shape = sql.replaceAll("'[^']*'", "''");

        assertEquals(form, ScriptForms.match(sql.substring(0, sql.length() - 1), shape).map(ScriptForms.Form::name)
                .orElse("refused"));
        assertEquals(5, check(HEADER + sql + "\n\n" + END, false), "the header's four statements and this one");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "CREATE AGGREGATE \"agg\".\"a\"(text) (SFUNC = f, STYPE = text) OWNER TO \"postgres\";",
            "CREATE AGGREGATE \"agg\".\"a\"(text) (SFUNC = f, STYPE = text); DROP DATABASE cpdb;",
            "CREATE CAST (integer AS text) WITH FUNCTION f(integer); SELECT 1;",
            "CREATE CAST (integer AS text) WITH FUNCTION f(integer) AS IMPLICIT, x;",
            "ALTER OPERATOR FAMILY \"ops\".\"f\" USING \"btree\" DROP OPERATOR 1 (integer, integer);",
            "ALTER OPERATOR FAMILY \"ops\".\"f\" USING \"btree\" RENAME TO \"g\";",
            "ALTER OPERATOR FAMILY \"ops\".\"f\" USING \"btree\" OWNER TO \"postgres\";",
            "CREATE OPERATOR CLASS \"ops\".\"c\" FOR TYPE integer USING \"btree\" AS OPERATOR 1 <; "
                    + "DROP DATABASE x;",
            "CREATE COLLATION \"w\".\"c\" FROM \"C\";",
            "CREATE CONVERSION \"enc\".\"c\" FOR 'UTF8' TO 'LATIN1' FROM f; COMMIT;",
            "ALTER TEXT SEARCH CONFIGURATION \"fts\".\"d\" DROP MAPPING FOR \"word\";",
            "ALTER TEXT SEARCH CONFIGURATION \"fts\".\"d\" OWNER TO \"postgres\";",
            "CREATE TABLE \"typed\".\"t\" OF typed.person AS SELECT 1;",
            "ALTER TABLE \"rules\".\"items\" DISABLE RULE \"r\", OWNER TO \"postgres\";",
            "CREATE RULE r AS ON SELECT TO rules.items DO INSTEAD SELECT 1; COMMIT;",
            "CREATE OR REPLACE FUNCTION x() RETURNS int AS 'SELECT 1' LANGUAGE sql OWNER TO \"postgres\";",
            "CREATE OR REPLACE VIEW \"cyc\".\"v\" AS SELECT 1; ALTER SYSTEM SET work_mem = '1MB';",
            "COMMENT ON COLLATION \"w\".\"c\" IS current_user;" })
    void hostileVariantsOfTheCatalogKindsFormsAreRefused(String statement) {
        String script = HEADER + statement.replace("\\n", "\n") + "\n\n" + END;

        BackupException e = assertThrows(BackupException.class, () -> check(script, false));

        assertTrue(e.getMessage().contains("is refused"), e.getMessage());
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
            "comment on database-wide object|COMMENT ON PUBLICATION \"p\" IS NULL;",
            "comment on database-wide object|COMMENT ON FOREIGN DATA WRAPPER \"w\" IS 'it''s';",
            "comment on database-wide object|COMMENT ON LANGUAGE \"pl\" IS 'x';",
            // Publications
            "publication|CREATE PUBLICATION \"p\" WITH (publish = 'insert, update');",
            "publication|CREATE PUBLICATION \"p\" FOR ALL TABLES WITH (publish = '', "
                    + "publish_via_partition_root = true);",
            "publication|CREATE PUBLICATION \"p\" WITH (publish = 'insert', publish_via_partition_root = true, "
                    + "publish_generated_columns = stored);",
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
                    reader.copyData((bytes, offset, length) -> {
                    });
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
