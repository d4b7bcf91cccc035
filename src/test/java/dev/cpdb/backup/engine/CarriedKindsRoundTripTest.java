package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestPostgres;

/**
 * One round trip per database-wide or column-level object kind (see {@link FixtureRoundTrip} for the oracle): foreign
 * data, event triggers, publications, column options and procedural languages, each with comments, hostile names
 * and the variants PostgreSQL offers.
 */
@RequiresPostgresClientTools
class CarriedKindsRoundTripTest {

    @Test
    void foreignDataWrappersServersUserMappingsAndForeignTablesRoundTrip() throws Exception {
        DatabaseUrl restored = FixtureRoundTrip.assertRoundTrip("kind_fdw", """
                CREATE EXTENSION file_fdw;
                CREATE FOREIGN DATA WRAPPER plain_wrapper OPTIONS (flavour 'plain');
                CREATE FOREIGN DATA WRAPPER "Checked ""Wrapper""\" VALIDATOR pg_catalog.postgresql_fdw_validator;
                CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
                CREATE SERVER "remote ""eu""\" TYPE 'partner' VERSION '2.1' FOREIGN DATA WRAPPER plain_wrapper
                    OPTIONS (region 'eu', "odd key" 'it''s');
                CREATE SERVER checked FOREIGN DATA WRAPPER "Checked ""Wrapper""\" OPTIONS (host 'db.example');
                CREATE USER MAPPING FOR PUBLIC SERVER files;
                CREATE USER MAPPING FOR CURRENT_USER SERVER "remote ""eu""\" OPTIONS (token 'not-a-secret');
                CREATE USER MAPPING FOR PUBLIC SERVER checked OPTIONS (user 'reader', password 'pw');
                COMMENT ON FOREIGN DATA WRAPPER plain_wrapper IS 'no handler';
                COMMENT ON SERVER files IS 'csv drops';
                CREATE SCHEMA feeds;
                CREATE FOREIGN TABLE feeds.prices (
                    sku text OPTIONS (force_not_null 'true') NOT NULL,
                    price numeric DEFAULT 0 CONSTRAINT price_positive CHECK (price >= 0),
                    note text COLLATE "C"
                ) SERVER files OPTIONS (filename '/dev/null', format 'csv', header 'true');
                COMMENT ON FOREIGN TABLE feeds.prices IS 'daily';
                COMMENT ON COLUMN feeds.prices.sku IS 'stock keeping unit';
                CREATE VIEW feeds.cheap AS SELECT sku FROM feeds.prices WHERE price < 10;
                CREATE TABLE feeds.archive (id integer, taken date) PARTITION BY RANGE (taken);
                CREATE TABLE feeds.archive_new PARTITION OF feeds.archive FOR VALUES FROM ('2020-01-01') TO (MAXVALUE);
                CREATE FOREIGN TABLE feeds.archive_old PARTITION OF feeds.archive
                    FOR VALUES FROM (MINVALUE) TO ('2020-01-01') SERVER "remote ""eu""\" OPTIONS (path '/old');
                CREATE TABLE feeds.base (id integer NOT NULL);
                CREATE FOREIGN TABLE feeds."Child" (extra text) INHERITS (feeds.base) SERVER "remote ""eu""\";
                ALTER FOREIGN TABLE feeds."Child" ALTER COLUMN id OPTIONS (column_name 'ID');
                INSERT INTO feeds.archive_new VALUES (1, '2024-01-01');
                """);

        // file_fdw reads the (empty) file named in the restored options.
        assertEquals("0", BackupFixtures.query(restored, "SELECT count(*) FROM feeds.prices"));
    }

    @Test
    void eventTriggersRoundTripAndAreCreatedLast() throws Exception {
        String fixture = """
                CREATE SCHEMA ops;
                CREATE TABLE ops.ddl_log (tag text);
                CREATE FUNCTION ops.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO ops.ddl_log VALUES (tg_tag);
                END;
                $$;
                CREATE MATERIALIZED VIEW ops.tags AS SELECT DISTINCT tag FROM ops.ddl_log;
                CREATE EVENT TRIGGER log_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'REFRESH MATERIALIZED VIEW')
                    EXECUTE FUNCTION ops.log_ddl();
                CREATE EVENT TRIGGER log_drops ON sql_drop EXECUTE FUNCTION ops.log_ddl();
                ALTER EVENT TRIGGER log_drops DISABLE;
                CREATE EVENT TRIGGER "Replica ""only""\" ON ddl_command_start EXECUTE FUNCTION ops.log_ddl();
                ALTER EVENT TRIGGER "Replica ""only""\" ENABLE REPLICA;
                CREATE EVENT TRIGGER always_on ON table_rewrite EXECUTE FUNCTION ops.log_ddl();
                ALTER EVENT TRIGGER always_on ENABLE ALWAYS;
                COMMENT ON EVENT TRIGGER log_ddl IS 'keeps a log of schema changes';
                """;
        DatabaseUrl restored = FixtureRoundTrip.assertRoundTrip("kind_evt", fixture);

        // None fired during the restore (the log table restored empty, though it creates tables and refreshes),
        // and they fire afterwards.
        assertEquals("0", BackupFixtures.query(restored, "SELECT count(*) FROM ops.ddl_log"));
        TestPostgres.execute(restored, "CREATE TABLE ops.later (id integer)");
        assertEquals("CREATE TABLE", BackupFixtures.query(restored, "SELECT string_agg(tag, ',') FROM ops.ddl_log"));
        String script = new String(BackupFixtures.dump(restored), StandardCharsets.UTF_8);
        assertTrue(script.indexOf("\nCREATE EVENT TRIGGER") > script.lastIndexOf("\nREFRESH MATERIALIZED VIEW "),
                "event triggers come after everything else");
    }

    @Test
    void anEventTriggerWhoseFunctionIsOutsideTheBackedUpSchemasIsLeftToItsOwner() throws Exception {
        // The documented rule: an event trigger is carried with its function's schema.
        DatabaseUrl source = TestPostgres.createDatabase("kind_evt_outside");
        TestPostgres.execute(source, "CREATE SCHEMA app");
        TestPostgres.execute(source, "CREATE SCHEMA platform");
        TestPostgres.execute(source, "CREATE FUNCTION platform.watch() RETURNS event_trigger LANGUAGE plpgsql "
                + "AS $$ BEGIN END $$");
        TestPostgres.execute(source, "CREATE EVENT TRIGGER platform_watch ON ddl_command_end "
                + "EXECUTE FUNCTION platform.watch()");
        try (java.sql.Connection connection = TestPostgres.connect(source)) {
            connection.setAutoCommit(false);
            connection.createStatement().execute("SELECT pg_catalog.set_config('search_path', '', true)");

            DumpPlan plan = CatalogReader.read(connection, java.util.List.of("app"), java.util.List.of(), false);

            assertTrue(plan.postData().stream().noneMatch(statement -> statement.contains("platform_watch")),
                    plan.postData().toString());
            connection.rollback();
        }
    }

    @Test
    void publicationsRoundTripWithTablesColumnListsRowFiltersAndSchemas() throws Exception {
        FixtureRoundTrip.assertRoundTrip("kind_pub", """
                CREATE SCHEMA pubs;
                CREATE SCHEMA audit;
                CREATE TABLE pubs.customers (id integer PRIMARY KEY, email text, secret text);
                CREATE TABLE pubs.orders (id integer PRIMARY KEY, customer integer);
                CREATE TABLE pubs."Odd ""Name""\" (id integer PRIMARY KEY);
                CREATE TABLE audit.log (id integer, at date) PARTITION BY RANGE (at);
                CREATE TABLE audit.log_2025 PARTITION OF audit.log FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
                CREATE PUBLICATION everything FOR ALL TABLES;
                CREATE PUBLICATION "Orders ""feed""\" FOR TABLE pubs.orders, pubs."Odd ""Name""\",
                    pubs.customers (id, email) WHERE (id > 10 AND email <> '') WITH (publish = 'insert, update');
                CREATE PUBLICATION audit_trail FOR TABLES IN SCHEMA audit WITH (publish_via_partition_root = true);
                CREATE PUBLICATION nothing_yet WITH (publish = '');
                COMMENT ON PUBLICATION everything IS 'all of it';
                INSERT INTO pubs.customers VALUES (11, 'a@example.org', 's');
                INSERT INTO audit.log VALUES (1, '2025-03-01');
                """);
    }

    @Test
    void columnOptionsRoundTrip() throws Exception {
        DatabaseUrl restored = FixtureRoundTrip.assertRoundTrip("kind_col", """
                CREATE SCHEMA opts;
                CREATE TABLE opts.docs (id integer PRIMARY KEY, body text, tags text[], score numeric, meta jsonb);
                ALTER TABLE opts.docs ALTER COLUMN body SET STATISTICS 1000, ALTER COLUMN body SET STORAGE EXTERNAL,
                    ALTER COLUMN body SET COMPRESSION pglz, ALTER COLUMN score SET (n_distinct = -0.5),
                    ALTER COLUMN tags SET (n_distinct = 12, n_distinct_inherited = 40);
                ALTER TABLE opts.docs ALTER COLUMN id SET STATISTICS 0;
                ALTER TABLE opts.docs ALTER COLUMN meta SET STORAGE MAIN;
                CREATE TABLE opts.parts (id integer, body text) PARTITION BY LIST (id);
                ALTER TABLE opts.parts ALTER COLUMN body SET STORAGE EXTERNAL;
                CREATE TABLE opts.parts_1 PARTITION OF opts.parts FOR VALUES IN (1);
                ALTER TABLE ONLY opts.parts_1 ALTER COLUMN body SET STATISTICS 50;
                ALTER TABLE ONLY opts.parts_1 ALTER COLUMN body SET STORAGE MAIN;
                CREATE MATERIALIZED VIEW opts.doc_ids AS SELECT id, body FROM opts.docs;
                ALTER MATERIALIZED VIEW opts.doc_ids ALTER COLUMN id SET STATISTICS 300;
                ALTER MATERIALIZED VIEW opts.doc_ids ALTER COLUMN body SET STORAGE MAIN;
                CREATE INDEX docs_lower_body ON opts.docs (lower(body));
                ALTER INDEX opts.docs_lower_body ALTER COLUMN 1 SET STATISTICS 400;
                INSERT INTO opts.docs VALUES (1, repeat('x', 5000), '{a}', 1.5, '{"k": 1}');
                INSERT INTO opts.parts VALUES (1, 'one');
                REFRESH MATERIALIZED VIEW opts.doc_ids;
                """);

        assertEquals("e", BackupFixtures.query(restored, "SELECT attstorage FROM pg_attribute "
                + "WHERE attrelid = 'opts.docs'::regclass AND attname = 'body'"));
    }

    @Test
    void proceduralLanguagesThatAreNotExtensionsRoundTrip() throws Exception {
        DatabaseUrl restored = FixtureRoundTrip.assertRoundTrip("kind_lang", """
                CREATE SCHEMA langs;
                CREATE FUNCTION langs.sample_handler() RETURNS language_handler LANGUAGE c
                    AS '$libdir/plpgsql', 'plpgsql_call_handler';
                CREATE TRUSTED PROCEDURAL LANGUAGE "plsample" HANDLER langs.sample_handler;
                CREATE PROCEDURAL LANGUAGE plsample_checked HANDLER langs.sample_handler
                    INLINE pg_catalog.plpgsql_inline_handler VALIDATOR pg_catalog.plpgsql_validator;
                COMMENT ON LANGUAGE plsample IS 'plpgsql under another name';
                CREATE FUNCTION langs.answer() RETURNS integer LANGUAGE plsample AS $$ BEGIN RETURN 42; END $$;
                CREATE FUNCTION langs.checked() RETURNS integer LANGUAGE plsample_checked
                    AS $$ BEGIN RETURN 7; END $$;
                """);

        assertEquals("42", BackupFixtures.query(restored, "SELECT langs.answer()"));
    }

    @Test
    void theRowsUsersAddToAnExtensionsConfigurationTablesRoundTrip() throws Exception {
        installConfigurationExtension(TestPostgres.server15());
        installConfigurationExtension(TestPostgres.server());
        installConfigurationExtension(TestPostgres.server18());

        DatabaseUrl restored = FixtureRoundTrip.assertRoundTrip("kind_extconfig", """
                CREATE SCHEMA app;
                CREATE EXTENSION cpdb_configuration_demo WITH SCHEMA app;
                INSERT INTO app.settings VALUES ('theme', 'dark', false), ('it''s', E'tab\there', false);
                INSERT INTO app.journal (id, note) VALUES (1, 'first'), (2, 'second');
                SELECT nextval('app.settings_version');
                SELECT nextval('app.settings_version');
                """);

        // The extension's own row once (created by CREATE EXTENSION, not copied again), the users' rows, the sequence.
        assertEquals("it's,mode,theme", BackupFixtures.query(restored,
                "SELECT string_agg(key, ',' ORDER BY key) FROM app.settings"));
        assertEquals("3", BackupFixtures.query(restored, "SELECT nextval('app.settings_version')"));
    }

    /**
     * Installs an extension whose script registers configuration tables, one with a condition, and a configuration
     * sequence (PostgreSQL ships none; real ones are e.g. PostGIS's spatial_ref_sys). Its files go where the server
     * looks for extensions; writing them again is harmless.
     */
    private static void installConfigurationExtension(dev.cpdb.database.embedded.EmbeddedPostgres server)
            throws Exception {
        java.nio.file.Path folder = java.nio.file.Path.of(BackupFixtures.query(server.url(),
                "SELECT setting FROM pg_catalog.pg_config WHERE name = 'SHAREDIR'"), "extension");
        java.nio.file.Files.writeString(folder.resolve("cpdb_configuration_demo.control"),
                "default_version = '1.0'\nrelocatable = true\n");
        java.nio.file.Files.writeString(folder.resolve("cpdb_configuration_demo--1.0.sql"), """
                CREATE TABLE settings (key text PRIMARY KEY, value text, builtin boolean NOT NULL DEFAULT false);
                INSERT INTO settings VALUES ('mode', 'default', true);
                SELECT pg_catalog.pg_extension_config_dump('settings', 'WHERE NOT builtin');
                CREATE SEQUENCE settings_version;
                SELECT pg_catalog.pg_extension_config_dump('settings_version', '');
                CREATE TABLE journal (id integer, note text, length integer GENERATED ALWAYS AS (length(note)) STORED);
                SELECT pg_catalog.pg_extension_config_dump('journal', '');
                """);
    }

    @Test
    void aBackupByARoleThatCannotReadUserMappingOptionsIsRefusedByName() {
        // PostgreSQL shows user mappings' options (often credentials) to superusers only; without them the mapping
        // would restore without its password.
        DatabaseUrl source = TestPostgres.createDatabase("kind_mapping_reader");
        String role = "mapping_reader_" + ProcessHandle.current().pid();
        TestPostgres.execute(source, "DO $$ BEGIN CREATE ROLE " + role + " LOGIN PASSWORD 'reader'; EXCEPTION "
                + "WHEN duplicate_object THEN NULL; END $$");
        TestPostgres.execute(source, "CREATE FOREIGN DATA WRAPPER plain_wrapper");
        TestPostgres.execute(source, "CREATE SERVER remote FOREIGN DATA WRAPPER plain_wrapper");
        TestPostgres.execute(source, "CREATE USER MAPPING FOR PUBLIC SERVER remote OPTIONS (password 'secret')");
        DatabaseUrl asReader = source.with(source.database(), role, "reader");

        BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.dump(asReader));

        assertTrue(e.getMessage().contains("only a superuser can read the options of user mapping for public on "
                + "server remote"), e.getMessage());
    }

    @Test
    void aSecurityLabelRefusesTheBackupByName() {
        DatabaseUrl source = TestPostgres.createDatabase("kind_seclabel");
        TestPostgres.execute(source, "CREATE TABLE public.labelled (id integer)");
        // No label provider ships with PostgreSQL's binaries; a superuser can still write the catalog row that one
        // would, which is what a backup meets on a server with sepgsql.
        TestPostgres.execute(source, "INSERT INTO pg_catalog.pg_seclabel VALUES ('public.labelled'::regclass, "
                + "'pg_class'::regclass, 0, 'selinux', 'system_u:object_r:sepgsql_table_t:s0')");

        BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.dump(source));

        assertTrue(e.getMessage().contains("security label of provider selinux on table public.labelled"),
                e.getMessage());
    }

    @Test
    void aSubscriptionRefusesTheBackupByName() {
        DatabaseUrl source = TestPostgres.createDatabase("kind_subscription");
        TestPostgres.execute(source, "CREATE SUBSCRIPTION \"Orders from eu\" CONNECTION 'host=127.0.0.1 port=1 "
                + "dbname=nowhere' PUBLICATION orders WITH (connect = false)");

        BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.dump(source));

        assertTrue(e.getMessage().contains("subscription Orders from eu"), e.getMessage());
    }

    @Test
    void aForeignTableThatRunsAProgramRefusesTheBackupByName() {
        DatabaseUrl source = TestPostgres.createDatabase("kind_fdw_program");
        TestPostgres.execute(source, "CREATE EXTENSION file_fdw");
        TestPostgres.execute(source, "CREATE SERVER files FOREIGN DATA WRAPPER file_fdw");
        TestPostgres.execute(source, "CREATE FOREIGN TABLE public.listing (line text) SERVER files "
                + "OPTIONS (program 'ls /')");

        BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.dump(source));

        assertTrue(e.getMessage().contains("foreign table public.listing (it runs a program)"), e.getMessage());
    }
}
