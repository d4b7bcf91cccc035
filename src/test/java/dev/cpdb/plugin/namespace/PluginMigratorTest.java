package dev.cpdb.plugin.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.plugin.folder.PluginCatalog;
import dev.cpdb.plugin.folder.PluginFolders;
import dev.cpdb.plugin.folder.PluginMigrationFile;
import dev.cpdb.plugin.namespace.PluginRun.Outcome;
import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.TestPostgres;

/**
 * Plugin migrations against a real PostgreSQL 17. Expectations come from issue 5 (applied once, checksums, isolation,
 * failures recorded and contained, per-plugin locks) and from PostgreSQL's privilege rules, which are what actually
 * stop a plugin: the tests assert PostgreSQL's own error messages.
 */
class PluginMigratorTest {

    private final Path plugins = PluginFixtures.pluginsFolder();
    private final List<ExecutorService> executors = new ArrayList<>();
    private DatabaseUrl database = PluginFixtures.migratedDatabase("plugins");

    @AfterEach
    void stopThreads() {
        executors.forEach(ExecutorService::shutdownNow);
    }

    private PluginMigrator migrator(Duration lockTimeout) {
        return new PluginMigrator(PluginFixtures.direct(database), lockTimeout);
    }

    private PluginRun migrate(String key) {
        return migrate(key, Duration.ofSeconds(30));
    }

    private PluginRun migrate(String key, Duration lockTimeout) {
        PluginCatalog catalog = PluginFolders.scan(plugins);
        return migrator(lockTimeout).migrate(catalog, catalog.plugin(key).orElseThrow());
    }

    private Map<String, PluginRun> migrateAll() {
        return migrator(Duration.ofSeconds(30)).migrateAll(PluginFolders.scan(plugins)).stream()
                .collect(Collectors.toMap(PluginRun::key, Function.identity()));
    }

    private PluginState state(String key) {
        return migrator(Duration.ofSeconds(1)).inspect(PluginFolders.scan(plugins), true).plugins().stream()
                .filter(state -> key.equals(state.key()))
                .findFirst()
                .orElseThrow();
    }

    private Path plugin(String key, String... filesAndSql) {
        return PluginFixtures.writePlugin(plugins, key, PluginFixtures.manifest(key), filesAndSql);
    }

    private String text(String sql, Object... parameters) {
        try (Connection connection = TestPostgres.connect(database);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }

    private long count(String sql, Object... parameters) {
        return Long.parseLong(text(sql, parameters));
    }

    private boolean exists(String relation) {
        return text("SELECT to_regclass(?)", relation) != null;
    }

    private static void assertFailedWith(PluginRun run, String... fragments) {
        assertEquals(Outcome.FAILED, run.outcome(), run.toString());
        for (String fragment : fragments) {
            assertTrue(run.error().contains(fragment), "expected '" + fragment + "' in: " + run.error());
        }
    }

    // --- applying -------------------------------------------------------------------------------------------------

    @Test
    void severalMigrationsApplyInVersionOrderAndEachIsRecordedWithTheChecksumOfItsFile() {
        Path notes = plugin("notes",
                "V1__init.sql", "CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);",
                "V2__author.sql", "ALTER TABLE notes ADD COLUMN author text;\nINSERT INTO notes (body) VALUES ('a');",
                "V10__second.sql", "INSERT INTO notes (body, author) VALUES ('b', 'x');");

        PluginRun run = migrate("notes");

        assertEquals(Outcome.MIGRATED, run.outcome(), run.toString());
        assertEquals(3, run.applied());
        assertEquals(IsolationMode.ROLE, run.isolation());
        assertEquals("plugin_notes", run.namespace());
        assertEquals(2, count("SELECT count(*) FROM plugin_notes.notes"));
        assertEquals("V1,V2,V10", text("SELECT string_agg(migration_key, ',' ORDER BY version) "
                + "FROM plugin_migrations WHERE plugin_key = 'notes' AND status = 'applied'"));
        List<PluginMigrationFile> files = PluginFolders.scan(plugins).plugin("notes").orElseThrow().migrations();
        for (PluginMigrationFile file : files) {
            assertEquals(file.checksum(), text("SELECT checksum FROM plugin_migrations WHERE plugin_key = 'notes' "
                    + "AND version = ?", file.version()));
        }
        assertTrue(Files.exists(notes));
    }

    @Test
    void theRoleIsANologinRoleThatOwnsTheSchemaAndEverythingTheMigrationsCreated() {
        plugin("notes", "V1__init.sql", "CREATE TABLE notes (id serial PRIMARY KEY); CREATE VIEW v AS SELECT id "
                + "FROM notes; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';");

        PluginRun run = migrate("notes");

        assertEquals(run.role(), text("SELECT role_name FROM plugin_database_namespaces WHERE plugin_key = 'notes'"));
        assertEquals("false", text("SELECT rolcanlogin::text FROM pg_roles WHERE rolname = ?", run.role()));
        assertEquals(run.role(), text("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = "
                + "'plugin_notes'"));
        assertEquals(0, count("SELECT count(*) FROM pg_class WHERE relnamespace = 'plugin_notes'::regnamespace "
                + "AND relowner <> ?::regrole", run.role()));
        assertEquals(0, count("SELECT count(*) FROM pg_proc WHERE pronamespace = 'plugin_notes'::regnamespace"
                + " AND proname LIKE 'cpdb_migration_runner%'"), "the runner function is gone");
    }

    @Test
    void runningAgainAppliesNothingAndRewritesNoRecord() {
        plugin("notes", "V1__init.sql", "CREATE TABLE notes (id int);", "V2__row.sql", "INSERT INTO notes VALUES (1);");
        migrate("notes");
        String recorded = text("SELECT string_agg(applied_at::text, ',' ORDER BY version) FROM plugin_migrations");

        PluginRun again = migrate("notes");

        assertEquals(Outcome.MIGRATED, again.outcome());
        assertEquals(0, again.applied());
        assertEquals(recorded, text("SELECT string_agg(applied_at::text, ',' ORDER BY version) "
                + "FROM plugin_migrations"));
        assertEquals(1, count("SELECT count(*) FROM plugin_notes.notes"));
        assertEquals(PluginState.ACTIVE, state("notes").status());
    }

    @Test
    void keysThatDifferOnlyInCaseAndAnOverlongKeyGetTheirOwnValidSchemas() {
        String longKey = "com.example." + "very-long-plugin-name-".repeat(5);
        plugin("acme", "V1__init.sql", "CREATE TABLE t (id int);");
        plugin("ACME", "V1__init.sql", "CREATE TABLE t (id int);");
        PluginFixtures.writePlugin(plugins, "long", PluginFixtures.manifest(longKey), "V1__init.sql",
                "CREATE TABLE t (id int);");

        Map<String, PluginRun> runs = migrateAll();

        List<String> schemas = List.of(runs.get("acme").namespace(), runs.get("ACME").namespace(),
                runs.get(longKey).namespace());
        assertEquals(3, schemas.stream().distinct().count(), schemas.toString());
        for (String schema : schemas) {
            assertTrue(schema.matches("plugin_[a-z0-9_]+_[0-9a-f]{8}") && schema.length() <= 63, schema);
            assertTrue(exists(schema + ".t"), schema);
        }
    }

    // --- checksums ------------------------------------------------------------------------------------------------

    @Test
    void anAppliedMigrationWhoseFileChangedIsRefusedNamingTheFileAndNothingNewIsApplied() {
        Path notes = plugin("notes", "V1__init.sql", "CREATE TABLE notes (id int);");
        migrate("notes");
        PluginFixtures.writeMigration(notes, "V1__init.sql", "CREATE TABLE notes (id bigint);");
        PluginFixtures.writeMigration(notes, "V2__more.sql", "CREATE TABLE more (id int);");

        PluginRun run = migrate("notes");

        assertFailedWith(run, "V1__init.sql was changed after it was applied");
        assertFalse(exists("plugin_notes.more"), "V2 must not run after a refused history");
        assertEquals("migration_failed", text("SELECT status FROM plugin_database_namespaces "
                + "WHERE plugin_key = 'notes'"));
        assertTrue(text("SELECT last_error FROM plugin_database_namespaces").contains("V1__init.sql"));
        PluginState state = state("notes");
        assertEquals(PluginState.MIGRATION_FAILED, state.status());
        assertEquals(List.of("V2__more.sql"), state.pendingMigrations());
    }

    @Test
    void restoringTheAppliedContentLetsThePluginContinue() {
        Path notes = plugin("notes", "V1__init.sql", "CREATE TABLE notes (id int);");
        migrate("notes");
        PluginFixtures.writeMigration(notes, "V1__init.sql", "CREATE TABLE notes (id bigint);");
        migrate("notes");
        PluginFixtures.writeMigration(notes, "V1__init.sql", "CREATE TABLE notes (id int);");
        PluginFixtures.writeMigration(notes, "V2__more.sql", "CREATE TABLE more (id int);");

        PluginRun run = migrate("notes");

        assertEquals(Outcome.MIGRATED, run.outcome(), run.toString());
        assertTrue(exists("plugin_notes.more"));
        assertNull(text("SELECT last_error FROM plugin_database_namespaces WHERE plugin_key = 'notes'"));
    }

    @Test
    void anAppliedMigrationWhoseFileIsGoneIsRefused() throws IOException {
        Path notes = plugin("notes", "V1__init.sql", "CREATE TABLE notes (id int);");
        migrate("notes");
        Files.delete(notes.resolve("migrations/V1__init.sql"));

        assertFailedWith(migrate("notes"), "V1__init.sql was applied but is no longer in the plugin folder");
    }

    @Test
    void aNewMigrationOlderThanTheNewestAppliedOneIsRefused() {
        Path notes = plugin("notes", "V2__init.sql", "CREATE TABLE notes (id int);");
        migrate("notes");
        PluginFixtures.writeMigration(notes, "V1__late.sql", "CREATE TABLE late (id int);");

        assertFailedWith(migrate("notes"), "V1__late.sql is older than the applied V2");
        assertFalse(exists("plugin_notes.late"));
    }

    // --- isolation ------------------------------------------------------------------------------------------------

    @Test
    void aMigrationThatCreatesATableInPublicFailsWithPermissionDeniedAndLeavesNothingBehind() {
        plugin("sneaky", "V1__init.sql", "CREATE TABLE own (id int);\nCREATE TABLE public.sneaky (id int);");

        PluginRun run = migrate("sneaky");

        assertFailedWith(run, "V1__init.sql", "permission denied for schema public", "42501");
        assertFalse(exists("public.sneaky"));
        assertFalse(exists("plugin_sneaky.own"), "the whole migration is rolled back");
        assertEquals("failed", text("SELECT status FROM plugin_migrations WHERE plugin_key = 'sneaky'"));
        assertTrue(text("SELECT error_message FROM plugin_migrations WHERE plugin_key = 'sneaky'")
                .contains("permission denied for schema public"));
        assertEquals("migration_failed", text("SELECT status FROM plugin_database_namespaces "
                + "WHERE plugin_key = 'sneaky'"));
    }

    @Test
    void aMigrationThatWritesToACoreTableFailsWithPermissionDenied() {
        TestPostgres.execute(database, "INSERT INTO companies (id, name, issue_prefix) "
                + "VALUES ('00000000-0000-0000-0000-000000000001', 'Acme', 'ACME')");
        plugin("writer", "V1__init.sql", "DELETE FROM public.companies;");
        plugin("inserter", "V1__init.sql", "INSERT INTO public.companies (id, name, issue_prefix) "
                + "VALUES ('00000000-0000-0000-0000-000000000002', 'Evil', 'EVIL');");

        assertFailedWith(migrate("writer"), "permission denied for table companies");
        assertFailedWith(migrate("inserter"), "permission denied for table companies");
        assertEquals("Acme", text("SELECT string_agg(name, ',') FROM companies"));
    }

    @Test
    void unqualifiedNamesResolveInsideTheNamespaceOnly() {
        plugin("notes", "V1__init.sql", "INSERT INTO companies (id, name, issue_prefix) "
                + "VALUES ('00000000-0000-0000-0000-000000000002', 'Evil', 'EVIL');");

        assertFailedWith(migrate("notes"), "relation \"companies\" does not exist");
    }

    @Test
    void aMigrationCannotReachIntoAnotherPluginsSchema() {
        plugin("alpha", "V1__init.sql", "CREATE TABLE items (id int); INSERT INTO items VALUES (1);");
        plugin("beta", "V1__init.sql", "DELETE FROM plugin_alpha.items;");
        plugin("gamma", "V1__init.sql", "CREATE TABLE plugin_alpha.planted (id int);");

        assertEquals(Outcome.MIGRATED, migrate("alpha").outcome());
        assertFailedWith(migrate("beta"), "permission denied for schema plugin_alpha");
        assertFailedWith(migrate("gamma"), "permission denied for schema plugin_alpha");
        assertEquals(1, count("SELECT count(*) FROM plugin_alpha.items"));
        assertFalse(exists("plugin_alpha.planted"));
    }

    /**
     * The test database user is a superuser, so any way back to the session user would give a migration everything.
     * PostgreSQL refuses role and session changes inside security-definer functions and transaction control inside
     * any function; each attempt must fail and leave nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "RESET ROLE; CREATE TABLE public.escaped (id int);",
            "SET ROLE NONE; CREATE TABLE public.escaped (id int);",
            "SET LOCAL ROLE cpdb; CREATE TABLE public.escaped (id int);",
            "SELECT set_config('role', 'none', false); CREATE TABLE public.escaped (id int);",
            "SET SESSION AUTHORIZATION DEFAULT; CREATE TABLE public.escaped (id int);",
            "DO $$ BEGIN EXECUTE 'RESET ROLE'; END $$; CREATE TABLE public.escaped (id int);",
            "COMMIT; CREATE TABLE public.escaped (id int);",
            "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$; CALL p(); "
                    + "CREATE TABLE public.escaped (id int);" })
    void aMigrationCannotLeaveItsRoleOrItsTransaction(String script) {
        plugin("escape", "V1__init.sql", "CREATE TABLE own (id int); " + script);

        PluginRun run = migrate("escape");

        assertEquals(Outcome.FAILED, run.outcome(), run.toString());
        assertFalse(exists("public.escaped"), run.error());
        assertFalse(exists("plugin_escape.own"), run.error());
    }

    /**
     * Reading is what is checked: PostgreSQL lets a role create a view over a table it cannot read (privileges of a
     * view are checked when it is queried), so the migrations copy rows.
     */
    @Test
    void aPluginMayReadTheCoreTablesItsManifestNamesAndNothingMore() {
        TestPostgres.execute(database, "INSERT INTO companies (id, name, issue_prefix) "
                + "VALUES ('00000000-0000-0000-0000-000000000001', 'Acme', 'ACME')");
        PluginFixtures.writePlugin(plugins, "reader", PluginFixtures.manifest("reader", "companies"),
                "V1__copy.sql", "CREATE TABLE names AS SELECT name FROM public.companies;");
        plugin("stranger", "V1__copy.sql", "CREATE TABLE names AS SELECT name FROM public.companies;");
        PluginFixtures.writePlugin(plugins, "updater", PluginFixtures.manifest("updater", "companies"),
                "V1__update.sql", "UPDATE public.companies SET name = 'x';");

        assertEquals(Outcome.MIGRATED, migrate("reader").outcome());
        assertEquals("Acme", text("SELECT name FROM plugin_reader.names"));
        assertFailedWith(migrate("stranger"), "permission denied for table companies");
        assertFailedWith(migrate("updater"), "permission denied for table companies");
        assertEquals("Acme", text("SELECT name FROM companies"));
        assertEquals("{companies}", text("SELECT read_grants::text FROM plugin_database_namespaces "
                + "WHERE plugin_key = 'reader'"));
    }

    @Test
    void aReadGrantDroppedFromTheManifestIsRevokedOnTheNextRun() throws IOException {
        Path reader = PluginFixtures.writePlugin(plugins, "reader", PluginFixtures.manifest("reader", "companies"));
        String role = migrate("reader").role();
        assertEquals("true", text("SELECT has_table_privilege(?, 'public.companies', 'SELECT')::text", role));

        Files.writeString(reader.resolve("plugin.json"), PluginFixtures.manifest("reader"));
        migrate("reader");

        assertEquals("false", text("SELECT has_table_privilege(?, 'public.companies', 'SELECT')::text", role));
    }

    @Test
    void readingACoreTableThatDoesNotExistFailsThePluginWithTheName() {
        PluginFixtures.writePlugin(plugins, "reader", PluginFixtures.manifest("reader", "no_such_table"));

        assertFailedWith(migrate("reader"), "readCoreTables names core tables that do not exist: no_such_table");
    }

    /**
     * Databases created before PostgreSQL 15 (or upgraded from one) let every role create objects in {@code public};
     * a per-role REVOKE cannot undo a grant to PUBLIC, so cpdb closes the schema for PUBLIC as PostgreSQL 15 does.
     */
    @Test
    void aPublicSchemaOpenToEveryRoleIsClosedBeforeAPluginRuns() {
        TestPostgres.execute(database, "GRANT CREATE ON SCHEMA public TO PUBLIC");
        plugin("sneaky", "V1__init.sql", "CREATE TABLE public.sneaky (id int);");

        assertFailedWith(migrate("sneaky"), "permission denied for schema public");
        assertEquals("false", text("SELECT has_schema_privilege('public', 'public', 'CREATE')::text"));
    }

    @Test
    void anExistingRoleThatCanLogInIsNotAcceptedAsThePluginRole() {
        String role = PluginNaming.roleName("plugin_notes", database.database());
        TestPostgres.execute(database, "CREATE ROLE " + role + " LOGIN");
        plugin("notes", "V1__init.sql", "CREATE TABLE notes (id int);");

        assertFailedWith(migrate("notes"), "role " + role + " has LOGIN");
        assertFalse(exists("plugin_notes.notes"));
    }

    // --- managed services -----------------------------------------------------------------------------------------

    /**
     * Managed services hand out a non-superuser with CREATEROLE. Since PostgreSQL 16 such a user gets only ADMIN on
     * the roles it creates, not SET: cpdb must grant itself SET before it can {@code SET ROLE}.
     */
    @Test
    void aDatabaseUserWithCreateroleButNoSuperuserGetsFullRoleIsolation() {
        database = PluginFixtures.ownDatabaseOfNewUser("managed", true);
        PluginFixtures.migrateCore(database);
        plugin("notes", "V1__init.sql", "CREATE TABLE notes (id int);");
        plugin("sneaky", "V1__init.sql", "CREATE TABLE public.sneaky (id int);");

        PluginRun run = migrate("notes");

        assertEquals(Outcome.MIGRATED, run.outcome(), run.toString());
        assertEquals(IsolationMode.ROLE, run.isolation());
        assertEquals(run.role(), text("SELECT relowner::regrole::text FROM pg_class WHERE oid = "
                + "'plugin_notes.notes'::regclass"));
        assertFailedWith(migrate("sneaky"), "permission denied for schema public");
        assertEquals(Outcome.MIGRATED, migrate("notes").outcome(), "a second run reuses role and membership");
    }

    @Test
    void withoutCreateroleNamespacesFallBackToSchemaOnlyIsolationAndStatusSaysSo() {
        database = PluginFixtures.ownDatabaseOfNewUser("nocreaterole", false);
        PluginFixtures.migrateCore(database);
        plugin("notes", "V1__init.sql", "CREATE TABLE notes (id int);");

        PluginRun run = migrate("notes");

        assertEquals(Outcome.MIGRATED, run.outcome(), run.toString());
        assertEquals(IsolationMode.SCHEMA, run.isolation());
        assertTrue(exists("plugin_notes.notes"));
        assertEquals("schema", text("SELECT isolation FROM plugin_database_namespaces WHERE plugin_key = 'notes'"));
        assertEquals(0, count("SELECT count(*) FROM pg_roles WHERE rolname = ?", run.role()));
        PluginMigrator.PluginInspection inspection = migrator(Duration.ofSeconds(1))
                .inspect(PluginFolders.scan(plugins), false);
        assertEquals(IsolationMode.SCHEMA, inspection.isolationForNewPlugins());
        assertEquals("schema", inspection.plugins().get(0).isolation());
    }

    // --- failures stay contained ----------------------------------------------------------------------------------

    @Test
    void aSyntaxErrorMarksOnlyThatPluginFailedNamingFileAndLine() {
        plugin("good", "V1__init.sql", "CREATE TABLE good (id int);");
        plugin("bad", "V1__init.sql", "CREATE TABLE bad (id int);",
                "V2__oops.sql", "-- a comment\nCREATE TABLE fine (id int);\nCREATE TABEL oops (id int);\n");

        Map<String, PluginRun> runs = migrateAll();

        assertEquals(Outcome.MIGRATED, runs.get("good").outcome());
        assertFailedWith(runs.get("bad"), "V2__oops.sql line 3: syntax error at or near \"TABEL\"");
        assertTrue(exists("plugin_good.good"));
        assertTrue(exists("plugin_bad.bad"), "V1 of the failing plugin stays applied");
        assertFalse(exists("plugin_bad.fine"));
        assertEquals(1, runs.get("bad").pending());
    }

    @Test
    void aFailedMigrationIsTriedAgainOnceItsFileIsFixed() {
        Path bad = plugin("bad", "V1__oops.sql", "CREATE TABEL oops (id int);");
        migrate("bad");
        PluginFixtures.writeMigration(bad, "V1__oops.sql", "CREATE TABLE oops (id int);");

        PluginRun run = migrate("bad");

        assertEquals(Outcome.MIGRATED, run.outcome(), run.toString());
        assertEquals("applied", text("SELECT status FROM plugin_migrations WHERE plugin_key = 'bad'"));
        assertNull(text("SELECT error_message FROM plugin_migrations WHERE plugin_key = 'bad'"));
        assertEquals("active", text("SELECT status FROM plugin_database_namespaces WHERE plugin_key = 'bad'"));
    }

    // --- concurrency ----------------------------------------------------------------------------------------------

    @Test
    void fourInstancesMigratingTheSamePluginAtOnceApplyEachFileExactlyOnce() throws Exception {
        plugin("race",
                "V1__init.sql", "CREATE TABLE runs (file int); SELECT pg_sleep(0.3); INSERT INTO runs VALUES (1);",
                "V2__two.sql", "INSERT INTO runs VALUES (2); SELECT pg_sleep(0.1);",
                "V3__three.sql", "INSERT INTO runs VALUES (3);");
        PluginCatalog catalog = PluginFolders.scan(plugins);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        executors.add(pool);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PluginRun>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // Each "instance" has its own migrator and therefore its own direct connections.
            PluginMigrator instance = migrator(Duration.ofSeconds(60));
            runs.add(pool.submit(() -> {
                start.await();
                return instance.migrate(catalog, catalog.plugin("race").orElseThrow());
            }));
        }
        start.countDown();

        int applied = 0;
        for (Future<PluginRun> run : runs) {
            PluginRun result = run.get(120, TimeUnit.SECONDS);
            assertEquals(Outcome.MIGRATED, result.outcome(), result.toString());
            applied += result.applied();
        }

        assertEquals(3, applied);
        assertEquals("1,2,3", text("SELECT string_agg(file::text, ',' ORDER BY file) FROM plugin_race.runs"));
        assertEquals(3, count("SELECT count(*) FROM plugin_migrations WHERE plugin_key = 'race'"));
    }

    @Test
    void aPluginBeingMigratedElsewhereBlocksOnlyItselfNotOtherPlugins() throws SQLException {
        plugin("alpha", "V1__init.sql", "CREATE TABLE a (id int);");
        plugin("beta", "V1__init.sql", "CREATE TABLE b (id int);");
        try (Connection other = TestPostgres.connect(database); Statement statement = other.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + PluginLock.LOCK_CLASS + ", " + PluginLock.lockId("alpha")
                    + ")");

            PluginRun beta = migrate("beta", Duration.ofSeconds(60));
            PluginRun alpha = migrate("alpha", Duration.ofMillis(500));

            assertEquals(Outcome.MIGRATED, beta.outcome(), beta.toString());
            assertEquals(Outcome.BUSY, alpha.outcome(), alpha.toString());
            assertFalse(exists("plugin_alpha.a"));
        }
        assertEquals(Outcome.MIGRATED, migrate("alpha").outcome(), "the lock ends with the other session");
    }

    // --- reporting ------------------------------------------------------------------------------------------------

    @Test
    void inspectionReportsActivePendingFailedInvalidAndRemovedPlugins() throws IOException {
        plugin("active", "V1__init.sql", "CREATE TABLE t (id int);");
        plugin("failed", "V1__init.sql", "CREATE TABEL t (id int);");
        Path removed = plugin("removed", "V1__init.sql", "CREATE TABLE t (id int);");
        migrateAll();
        plugin("pending", "V1__init.sql", "CREATE TABLE t (id int);");
        Files.createDirectories(plugins.resolve("invalid"));
        Files.writeString(plugins.resolve("invalid/plugin.json"), "{\"key\": \"inv alid\", \"version\": \"1\"}",
                StandardCharsets.UTF_8);
        deleteTree(removed);

        Map<String, PluginState> states = migrator(Duration.ofSeconds(1)).inspect(PluginFolders.scan(plugins), false)
                .plugins().stream()
                .collect(Collectors.toMap(state -> state.key() != null ? state.key() : state.folder(),
                        Function.identity()));

        assertEquals(PluginState.ACTIVE, states.get("active").status());
        assertEquals(1, states.get("active").applied());
        assertEquals(PluginState.MIGRATION_FAILED, states.get("failed").status());
        assertTrue(states.get("failed").lastError().contains("V1__init.sql line 1: syntax error"));
        assertEquals(PluginState.PENDING, states.get("pending").status());
        assertEquals("plugin_pending", states.get("pending").namespace(), "the name it will get");
        assertEquals(PluginState.INVALID, states.get("invalid").status());
        assertTrue(states.get("invalid").lastError().contains("key 'inv alid' is not valid"));
        assertEquals(PluginState.REMOVED, states.get("removed").status());
        assertTrue(exists("plugin_removed.t"), "a removed plugin keeps its schema");
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
