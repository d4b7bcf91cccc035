package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.TestPostgres;

/**
 * Backups and {@code restore --clean} on a database shared with a hosting platform, imitating Supabase's
 * {@code postgres} database: the platform's schemas belong to roles the connecting user is not a member of (one a
 * superuser), hold tables, functions and an extension, and an event trigger of the platform refuses any statement
 * that drops one of its objects; the user (not a superuser, owner of the database) has its own schemas, tables that
 * use the platform's extension and reference the platform's users, and a policy for a role it is not a member of.
 * Expectations come from cpdb's design: the default and the documented Supabase setting back up only the user's
 * schemas and name the others; a restore replaces the user's schemas and leaves every platform object as it was
 * (same object ids, same rows).
 */
class HostedPlatformTest {

    /** The exclusions docs/backups.md gives for Supabase, as a setting value. */
    static final String SUPABASE_EXCLUDES = "auth, storage, realtime, _realtime, extensions, graphql, graphql_public, "
            + "vault, pgsodium, pgsodium_masks, pgbouncer, supabase_functions, supabase_migrations, net, cron, "
            + "_analytics, _supavisor, pgtle, tiger, topology";

    private static final List<String> PLATFORM_SCHEMAS = List.of("auth", "extensions", "graphql_public", "realtime",
            "storage");

    private static final String SUFFIX = "_" + ProcessHandle.current().pid();
    private static final String ADMIN = "platform_admin" + SUFFIX;
    private static final String AUTH_ADMIN = "platform_auth" + SUFFIX;
    private static final String AUTHENTICATED = "authenticated" + SUFFIX;
    private static final String TENANT = "tenant" + SUFFIX;
    private static final String PASSWORD = "tenant-secret";
    private static final java.util.Set<Integer> ROLES_ON = new java.util.HashSet<>();

    @BeforeAll
    static void roles() {
        roles(TestPostgres.server());
    }

    /** The platform's roles and the tenant, on {@code server} (roles belong to a server, not a database). */
    static synchronized void roles(EmbeddedPostgres server) {
        DatabaseUrl admin = server.url();
        if (!ROLES_ON.add(admin.port())) {
            return;
        }
        TestPostgres.execute(admin, "CREATE ROLE " + ADMIN + " SUPERUSER NOLOGIN");
        TestPostgres.execute(admin, "CREATE ROLE " + AUTH_ADMIN + " NOLOGIN");
        TestPostgres.execute(admin, "CREATE ROLE " + AUTHENTICATED + " NOLOGIN");
        TestPostgres.execute(admin, "CREATE ROLE " + TENANT + " LOGIN PASSWORD '" + PASSWORD + "'");
    }

    /** A new database with the platform's part, owned by the tenant; returns the tenant's URL of it. */
    private static DatabaseUrl platformDatabase(String prefix) throws SQLException {
        return platformDatabase(TestPostgres.server(), prefix);
    }

    /** Like {@link #platformDatabase(String)}, on {@code server}. */
    static DatabaseUrl platformDatabase(EmbeddedPostgres server, String prefix) throws SQLException {
        roles(server);
        DatabaseUrl superuser = TestPostgres.createDatabase(server, prefix);
        try (Connection connection = TestPostgres.connect(superuser); Statement sql = connection.createStatement()) {
            sql.execute("ALTER DATABASE " + superuser.database() + " OWNER TO " + TENANT);
            sql.execute("CREATE SCHEMA auth AUTHORIZATION " + AUTH_ADMIN);
            sql.execute("CREATE SCHEMA storage AUTHORIZATION " + ADMIN);
            sql.execute("CREATE SCHEMA realtime AUTHORIZATION " + ADMIN);
            sql.execute("CREATE SCHEMA extensions AUTHORIZATION " + ADMIN);
            sql.execute("CREATE SCHEMA graphql_public AUTHORIZATION " + ADMIN);
            sql.execute("SET ROLE " + ADMIN);
            sql.execute("CREATE EXTENSION \"uuid-ossp\" WITH SCHEMA extensions");
            sql.execute("GRANT USAGE ON SCHEMA extensions TO PUBLIC");
            sql.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + ADMIN + " GRANT SELECT ON TABLES TO " + AUTHENTICATED);
            sql.execute("CREATE TABLE storage.buckets (id text PRIMARY KEY, public boolean NOT NULL DEFAULT false)");
            sql.execute("INSERT INTO storage.buckets VALUES ('avatars', true), ('private', false)");
            // Objects dropped only as internal parts of another (the triggers a user's foreign key puts on the
            // platform's table) go with that object and are not the platform's.
            sql.execute("CREATE FUNCTION realtime.refuse_platform_drops() RETURNS event_trigger LANGUAGE plpgsql AS $$"
                    + " DECLARE o record; BEGIN FOR o IN SELECT * FROM pg_catalog.pg_event_trigger_dropped_objects()"
                    + " LOOP IF (o.original OR o.normal) AND o.schema_name IN ('auth', 'storage', 'realtime', 'extensions', 'graphql_public')"
                    + " OR (o.object_type = 'schema' AND o.object_identity IN ('auth', 'storage', 'realtime',"
                    + " 'extensions', 'graphql_public')) THEN RAISE EXCEPTION 'platform object % % must not be"
                    + " dropped', o.object_type, o.object_identity; END IF; END LOOP; END $$");
            sql.execute("CREATE EVENT TRIGGER platform_guard ON sql_drop "
                    + "EXECUTE FUNCTION realtime.refuse_platform_drops()");
            sql.execute("SET ROLE " + AUTH_ADMIN);
            sql.execute("CREATE TABLE auth.users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE)");
            sql.execute("INSERT INTO auth.users VALUES ('00000000-0000-0000-0000-000000000001', 'ada@example.com'), "
                    + "('00000000-0000-0000-0000-000000000002', 'bob@example.com')");
            sql.execute("CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS "
                    + "$$ SELECT '00000000-0000-0000-0000-000000000001'::uuid $$");
            sql.execute("GRANT USAGE ON SCHEMA auth TO " + TENANT);
            sql.execute("GRANT SELECT, REFERENCES ON auth.users TO " + TENANT);
            sql.execute("RESET ROLE");
        }
        return superuser.with(superuser.database(), TENANT, PASSWORD);
    }

    /** The user's part, created by the tenant: {@code tag} makes the rows of two databases differ. */
    static void userData(DatabaseUrl tenant, String tag) throws SQLException {
        try (Connection connection = TestPostgres.connect(tenant); Statement sql = connection.createStatement()) {
            sql.execute("CREATE EXTENSION citext WITH SCHEMA public");
            sql.execute("CREATE SCHEMA app");
            sql.execute("CREATE TABLE public.profiles (id uuid PRIMARY KEY DEFAULT extensions.uuid_generate_v4(), "
                    + "user_id uuid NOT NULL REFERENCES auth.users (id), nick public.citext NOT NULL)");
            sql.execute("ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY");
            sql.execute("CREATE POLICY own_profile ON public.profiles FOR SELECT TO " + AUTHENTICATED
                    + " USING (user_id = auth.uid())");
            sql.execute("INSERT INTO public.profiles (user_id, nick) VALUES "
                    + "('00000000-0000-0000-0000-000000000001', 'Ada " + tag + "'), "
                    + "('00000000-0000-0000-0000-000000000002', 'Bob " + tag + "')");
            sql.execute("CREATE TABLE app.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "profile uuid REFERENCES public.profiles (id), body text)");
            sql.execute("INSERT INTO app.notes (profile, body) SELECT id, 'note of ' || nick FROM public.profiles");
            // Owned by the user, but a platform schema on Supabase: the documented setting leaves it out.
            sql.execute("CREATE SCHEMA supabase_migrations");
            sql.execute("CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY)");
            sql.execute("INSERT INTO supabase_migrations.schema_migrations VALUES ('" + tag + "')");
        }
    }

    static BackupEngine.Options options(SchemaSelection selection) {
        return new BackupEngine.Options(Duration.ofSeconds(10), Instant.now().plusSeconds(300))
                .withSelection(selection);
    }

    static SchemaSelection supabaseSetting() {
        return SchemaSelection.of(List.of(), SchemaSelection.splitSetting(SUPABASE_EXCLUDES));
    }

    @Test
    void theDefaultLeavesOutAndNamesTheSchemasOfRolesTheUserIsNotAMemberOf() throws Exception {
        DatabaseUrl source = platformDatabase("platform_default");
        userData(source, "source");

        DumpResult result;
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(source)) {
            result = BackupEngine.dump(connection, script, options(SchemaSelection.DEFAULT));
        }

        assertEquals(List.of("app", "public", "supabase_migrations"), result.schemas());
        assertEquals(PLATFORM_SCHEMAS, result.selection().leftOut().stream().map(SchemaSelection.LeftOut::schema)
                .toList());
        SchemaSelection.LeftOut auth = result.selection().leftOut().get(0);
        assertTrue(auth.reason().contains(AUTH_ADMIN) && auth.reason().contains("not a member"), auth.reason());
        String text = script.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\"uuid-ossp\""), "the platform's extension stays with its schema");
        assertTrue(text.contains("CREATE EXTENSION IF NOT EXISTS \"citext\" WITH SCHEMA \"public\""));
    }

    @Test
    void theSupabaseSettingBacksUpTheUsersSchemasAndCleanReplacesOnlyThem() throws Exception {
        DatabaseUrl source = platformDatabase("platform_source");
        userData(source, "source");
        DatabaseUrl target = platformDatabase("platform_target");
        userData(target, "target");
        TestPostgres.execute(target, "CREATE TABLE public.stale (id int)");
        TestPostgres.execute(target, "CREATE TABLE app.stale (id int)");

        DumpResult result;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(source)) {
            result = BackupEngine.dump(connection, out, options(supabaseSetting()));
        }
        byte[] script = out.toByteArray();
        assertEquals(List.of("app", "public"), result.schemas());
        List<String> leftOut = result.selection().leftOut().stream().map(SchemaSelection.LeftOut::schema).toList();
        assertEquals(List.of("auth", "extensions", "graphql_public", "realtime", "storage", "supabase_migrations"),
                leftOut);
        assertTrue(result.selection().unmatchedExcludes().contains("vault"), "recorded, not an error");
        for (String schema : leftOut) {
            assertFalse(new String(script, StandardCharsets.UTF_8).contains("\"" + schema + "\"."),
                    "nothing of " + schema + " is in the script");
        }

        Map<String, String> platformBefore = platformFingerprint(target);
        String migrationsBefore = BackupFixtures.query(target,
                "SELECT string_agg(version, ',') FROM supabase_migrations.schema_migrations");

        BackupException refused = assertThrows(BackupException.class,
                () -> BackupFixtures.restore(target, script, false, true));
        assertTrue(refused.getMessage().contains("schema app"), refused.getMessage());

        BackupFixtures.restore(target, script, true, true);

        assertEquals(platformBefore, platformFingerprint(target), "the platform's objects and rows are untouched");
        assertEquals(migrationsBefore, BackupFixtures.query(target,
                "SELECT string_agg(version, ',') FROM supabase_migrations.schema_migrations"),
                "a schema the backup does not hold is left alone");
        assertEquals(userRows(source), userRows(target), "the user's schemas are replaced by the backup's");
        // Oracle for the definitions on the default major (no matching pg_dump here): a backup of the restored
        // target with the same selection is the same script as the source's, header aside.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(target)) {
            BackupEngine.dump(connection, again, options(supabaseSetting()));
        }
        assertEquals(withoutHeader(script), withoutHeader(again.toByteArray()));
        assertEquals("0", BackupFixtures.query(target, "SELECT count(*) FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'stale'"));
        assertEquals("1", BackupFixtures.query(target, "SELECT count(*) FROM pg_catalog.pg_event_trigger "
                + "WHERE evtname = 'platform_guard' AND evtenabled = 'O'"));
    }

    @Test
    void withOwnersAndPrivilegesTheUsersPartRestoresAndThePlatformsDefaultsStayItsOwn() throws Exception {
        DatabaseUrl source = platformDatabase("platform_owners_source");
        userData(source, "source");
        TestPostgres.execute(source, "GRANT SELECT ON public.profiles TO " + AUTHENTICATED);
        TestPostgres.execute(source, "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO " + AUTHENTICATED);
        DatabaseUrl target = platformDatabase("platform_owners_target");
        userData(target, "target");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(source)) {
            BackupEngine.dump(connection, out, options(supabaseSetting()).withOwnersAndPrivileges(true));
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("FOR ROLE \"" + ADMIN + "\""), "the platform role's defaults are not the user's");
        assertTrue(text.contains("FOR ROLE \"" + TENANT + "\""), "the user's own defaults are carried");
        Map<String, String> platformBefore = platformFingerprint(target);

        BackupFixtures.restore(target, out.toByteArray(), true, true);

        assertEquals(platformBefore, platformFingerprint(target));
        assertEquals(userRows(source), userRows(target));
        assertEquals("t", BackupFixtures.query(superuser(target), "SELECT pg_catalog.has_table_privilege('"
                + AUTHENTICATED + "', 'public.profiles', 'SELECT')"));
    }

    @Test
    void cleanThatWouldReachIntoThePlatformIsRefusedAndChangesNothing() throws Exception {
        DatabaseUrl source = platformDatabase("platform_reach_source");
        userData(source, "source");
        DatabaseUrl target = platformDatabase("platform_reach_target");
        userData(target, "target");
        // Here the platform has citext in its own schema; the backup creates it in public.
        try (Connection connection = TestPostgres.connect(target); Statement sql = connection.createStatement()) {
            sql.execute("DROP SCHEMA public CASCADE");
            sql.execute("DROP SCHEMA app CASCADE");
        }
        TestPostgres.execute(superuser(target), "CREATE SCHEMA public AUTHORIZATION " + TENANT + "; SET ROLE " + ADMIN
                + "; CREATE EXTENSION citext WITH SCHEMA extensions");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(source)) {
            BackupEngine.dump(connection, out, options(supabaseSetting()));
        }
        Map<String, String> platformBefore = platformFingerprint(target);

        BackupException e = assertThrows(BackupException.class,
                () -> BackupFixtures.restore(target, out.toByteArray(), true, true));

        assertTrue(e.getMessage().contains("extension citext is installed in schema extensions"), e.getMessage());
        assertEquals(platformBefore, platformFingerprint(target));
    }

    /**
     * Every object of the platform's schemas by object id (a dropped and recreated object gets a new one), the
     * schemas themselves, the extension and the event trigger, and the rows of the platform's tables.
     */
    static Map<String, String> platformFingerprint(DatabaseUrl tenant) throws SQLException {
        DatabaseUrl superuser = superuser(tenant);
        Map<String, String> fingerprint = new LinkedHashMap<>();
        String platform = "ARRAY['" + String.join("', '", PLATFORM_SCHEMAS) + "']";
        List<String> queries = List.of(
                "SELECT 'schema ' || nspname, oid::text || ' ' || nspowner::regrole::text FROM pg_namespace "
                        + "WHERE nspname = ANY (" + platform + ")",
                "SELECT 'relation ' || c.oid::regclass::text, c.oid::text || ' ' || c.relkind::text FROM pg_class c "
                        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY (" + platform + ")",
                "SELECT 'function ' || p.oid::regprocedure::text, p.oid::text FROM pg_proc p "
                        + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY (" + platform + ")",
                "SELECT 'type ' || t.oid::regtype::text, t.oid::text FROM pg_type t "
                        + "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY (" + platform + ")",
                "SELECT 'constraint ' || conname || ' on ' || conrelid::regclass::text, c.oid::text "
                        + "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                        + "WHERE n.nspname = ANY (" + platform + ")",
                "SELECT 'extension ' || extname, x.oid::text || ' ' || n.nspname FROM pg_extension x "
                        + "JOIN pg_namespace n ON n.oid = x.extnamespace WHERE n.nspname = ANY (" + platform + ")",
                "SELECT 'event trigger ' || evtname, oid::text || ' ' || evtowner::regrole::text || ' '"
                        + " || evtenabled::text FROM pg_event_trigger");
        try (Connection connection = TestPostgres.connect(superuser); Statement sql = connection.createStatement()) {
            for (String query : queries) {
                try (ResultSet rs = sql.executeQuery(query)) {
                    while (rs.next()) {
                        fingerprint.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        BackupFixtures.rowHashes(superuser).forEach((table, hash) -> {
            if (PLATFORM_SCHEMAS.stream().anyMatch(schema -> table.startsWith(schema + "."))) {
                fingerprint.put("rows " + table, hash);
            }
        });
        assertTrue(fingerprint.containsKey("event trigger platform_guard"), fingerprint.toString());
        assertTrue(fingerprint.containsKey("extension uuid-ossp"), fingerprint.toString());
        assertTrue(fingerprint.containsKey("rows auth.users"), fingerprint.toString());
        return fingerprint;
    }

    /** Rows of the user's tables (identity values and generated uuids included). */
    private static Map<String, String> userRows(DatabaseUrl tenant) throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        BackupFixtures.rowHashes(superuser(tenant)).forEach((table, hash) -> {
            if (table.startsWith("public.") || table.startsWith("app.")) {
                rows.put(table, hash);
            }
        });
        assertEquals(new ArrayList<>(List.of("app.notes", "public.profiles")), new ArrayList<>(rows.keySet()));
        return rows;
    }

    /** A script without its header comments, which name the database. */
    private static String withoutHeader(byte[] script) {
        return new String(script, StandardCharsets.UTF_8).lines().filter(line -> !line.startsWith("-- "))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The same database as the test server's superuser. */
    static DatabaseUrl superuser(DatabaseUrl tenant) {
        DatabaseUrl admin = tenant.port() == TestPostgres.url().port() ? TestPostgres.url()
                : TestPostgres.server15().url();
        return tenant.with(tenant.database(), admin.user(), admin.password());
    }
}
