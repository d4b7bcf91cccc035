package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestPostgres;

/**
 * Backups that carry owners, privileges and default privileges. The oracle is pg_dump itself: {@code pg_dump
 * --schema-only} with its owners and privileges (PostgreSQL 15 tools against a PostgreSQL 15 server) of the source and
 * of the restored database must be identical. The source is the general fixture plus {@code privileges.sql}: objects
 * of every kind owned by roles whose names need quoting, privileges on objects and columns (some with grant option,
 * some granted by a role other than the owner), built-in privileges revoked from PUBLIC, and default privileges.
 *
 * <p>
 * Roles belong to the whole server, which other test classes share: this class creates its roles under names unique
 * to the run and drops them, after the databases that use them, at the end.
 */
@RequiresPostgresClientTools
class OwnersAndPrivilegesRoundTripTest {

    private static final List<String> ROLES = new ArrayList<>();
    private static final List<DatabaseUrl> DATABASES = new ArrayList<>();

    private static EmbeddedPostgres server;
    private static DatabaseUrl source;
    private static String owner;
    private static String reader;
    private static String writer;
    private static byte[] script;

    @BeforeAll
    static void dumpTheFixtureWithOwnersAndPrivileges() throws Exception {
        server = TestPostgres.server15();
        String suffix = ProcessHandle.current().pid() + "_" + Long.toString(System.nanoTime() % 1_000_000, 36);
        owner = "acl \"owner\" " + suffix;
        reader = "lecteur é " + suffix;
        writer = "Writer." + suffix;
        for (String role : List.of(owner, reader, writer)) {
            TestPostgres.execute(server.url(), "CREATE ROLE " + Sql.ident(role));
            ROLES.add(role);
        }
        source = database("owners_source");
        BackupFixtures.loadFixture(source);
        loadPrivilegesFixture(source);
        script = BackupFixtures.dump(source, 2, true);
    }

    @AfterAll
    static void dropDatabasesAndRoles() {
        if (server == null) {
            return;
        }
        for (DatabaseUrl url : DATABASES) {
            TestPostgres.execute(server.url(), "DROP DATABASE IF EXISTS " + Sql.ident(url.database())
                    + " WITH (FORCE)");
        }
        for (String role : ROLES) {
            TestPostgres.execute(server.url(), "DROP ROLE IF EXISTS " + Sql.ident(role));
        }
    }

    @Test
    void aRestoreByCpdbReproducesOwnersPrivilegesAndDefaultPrivilegesExactly() throws Exception {
        DatabaseUrl target = database("owners_cpdb");

        BackupFixtures.restore(target, script, false);

        String expected = BackupFixtures.comparableSchema(source, true);
        assertCoversOwnersAndPrivileges(expected);
        BackupFixtures.assertSameSchema(expected, BackupFixtures.comparableSchema(target, true));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(target));
    }

    @Test
    void stockPsqlRestoresTheSameScriptToTheSameResult() throws Exception {
        DatabaseUrl target = database("owners_psql");

        BackupFixtures.restoreWithPsql(target, script);

        BackupFixtures.assertSameSchema(BackupFixtures.comparableSchema(source, true),
                BackupFixtures.comparableSchema(target, true));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(target));
    }

    @Test
    void restoredPrivilegesTakeEffect() throws Exception {
        DatabaseUrl target = database("owners_behaviour");
        BackupFixtures.restore(target, script, false);

        // PostgreSQL's privilege functions on the restored database, independent of pg_dump's text.
        assertEquals("f", BackupFixtures.query(target, "SELECT has_function_privilege(" + literal(reader)
                + ", 'secured.reset_all()', 'EXECUTE')"), "revoked from PUBLIC");
        assertEquals("t", BackupFixtures.query(target, "SELECT has_function_privilege(" + literal(writer)
                + ", 'secured.secret(integer)', 'EXECUTE')"), "granted by the reader through its grant option");
        assertEquals("f", BackupFixtures.query(target, "SELECT has_function_privilege('public', "
                + "'secured.secret(integer)', 'EXECUTE')"), "revoked from PUBLIC");
        assertEquals("t", BackupFixtures.query(target, "SELECT has_column_privilege(" + literal(reader)
                + ", 'secured.accounts', 'salary', 'REFERENCES') AND NOT has_column_privilege(" + literal(reader)
                + ", 'secured.accounts', 'name', 'REFERENCES')"), "a privilege on one column only");
        assertEquals(owner, BackupFixtures.query(target, "SELECT pg_get_userbyid(relowner) FROM pg_class "
                + "WHERE oid = 'secured.accounts_serial_no_seq'::regclass"), "a serial sequence has its table's owner");
        assertEquals("t", BackupFixtures.query(target, "SELECT has_table_privilege(" + literal(reader)
                + ", 'secured.scratch', 'TRUNCATE') AND NOT has_table_privilege(" + literal(owner)
                + ", 'secured.accounts', 'TRUNCATE')"), "granted ALL; revoked from the owner itself");
        assertEquals("2", BackupFixtures.query(target, "SELECT n FROM secured.account_count"),
                "refreshed as its owner, after the grant that lets the owner read the table");
    }

    @Test
    void theScriptQuotesRoleNamesAndGrantsBeforeMaterializedViewsAreRefreshed() {
        String text = new String(script, StandardCharsets.UTF_8);

        // Our design: ownership right after each object is created, privileges after the indexes and before the
        // refreshes, which run with the view owner's privileges.
        String ownership = "ALTER TABLE \"secured\".\"accounts\" OWNER TO " + Sql.ident(owner) + ";";
        String grant = "GRANT SELECT ON TABLE \"secured\".\"accounts\" TO " + Sql.ident(reader)
                + " WITH GRANT OPTION;";
        String refresh = "REFRESH MATERIALIZED VIEW \"secured\".\"account_count\";";
        assertTrue(text.contains(ownership), ownership);
        assertTrue(text.indexOf(ownership) < text.indexOf("COPY \"secured\".\"accounts\" "), "owner before data");
        assertTrue(text.indexOf(grant) > text.lastIndexOf("\n\\.\n"), "grants after all data");
        assertTrue(text.indexOf(grant) < text.indexOf(refresh), "grants before the refresh");
        assertTrue(text.contains("SET SESSION AUTHORIZATION " + Sql.ident(reader) + ";"),
                "a grant made by a role other than the owner is replayed as that role");
    }

    @Test
    void withoutTheOptionTheScriptCarriesNoOwnersOrPrivileges() throws Exception {
        String text = new String(BackupFixtures.dump(source, 1, false), StandardCharsets.UTF_8);
        DatabaseUrl target = database("owners_none");

        BackupFixtures.restore(target, text.getBytes(StandardCharsets.UTF_8), false);

        List<String> carried = text.lines().filter(line -> line.startsWith("GRANT ") || line.startsWith("REVOKE ")
                || line.startsWith("ALTER DEFAULT PRIVILEGES") || line.startsWith("SET SESSION AUTHORIZATION")
                || (line.startsWith("ALTER ") && line.contains(" OWNER TO "))).toList();
        assertEquals(List.of(), carried);
        // Like pg_dump --no-owner --no-privileges: the definitions match, everything belongs to the restoring user.
        BackupFixtures.assertSameSchema(BackupFixtures.comparableSchema(source),
                BackupFixtures.comparableSchema(target));
        assertEquals("cpdb", BackupFixtures.query(target, "SELECT pg_get_userbyid(relowner) FROM pg_class "
                + "WHERE oid = 'secured.accounts'::regclass"));
        assertEquals("t", BackupFixtures.query(target, "SELECT has_function_privilege('public', "
                + "'secured.secret(integer)', 'EXECUTE')"));
    }

    @Test
    void aServerWithoutTheRolesRefusesTheRestoreNamingTheRoleAndLeavesTheTargetAsItWas() throws Exception {
        // The product's default server is another cluster: none of this class's roles exist there.
        DatabaseUrl target = TestPostgres.createDatabase(TestPostgres.server(), "owners_missing_roles");
        TestPostgres.execute(target, "CREATE TABLE public.keep_me (id int)");
        TestPostgres.execute(target, "INSERT INTO public.keep_me VALUES (1), (2)");
        Map<String, String> before = BackupFixtures.rowHashes(target);

        BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.restore(target, script, true));

        // PostgreSQL's message names the role; cpdb adds what to do about it.
        assertTrue(ROLES.stream().anyMatch(role -> e.getMessage().contains("role \"" + role + "\" does not exist")),
                e.getMessage());
        assertTrue(e.getMessage().contains("create role \""), e.getMessage());
        assertEquals(before, BackupFixtures.rowHashes(target), "even --clean's drops were rolled back");
        assertEquals("0", BackupFixtures.query(target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'secured'"));
    }

    @Test
    void onTheDefaultMajorEveryOwnerAndPrivilegeMatchesTheSource() throws Exception {
        // No pg_dump matches this major, so the catalogs are compared directly, ACL items in their stored order.
        EmbeddedPostgres major = TestPostgres.server();
        List<String> created = new ArrayList<>();
        List<DatabaseUrl> databases = new ArrayList<>();
        try {
            for (String role : ROLES) {
                TestPostgres.execute(major.url(), "CREATE ROLE " + Sql.ident(role));
                created.add(role);
            }
            DatabaseUrl majorSource = TestPostgres.createDatabase(major, "owners_major_source");
            databases.add(majorSource);
            BackupFixtures.loadFixture(majorSource);
            loadPrivilegesFixture(majorSource);
            DatabaseUrl majorTarget = TestPostgres.createDatabase(major, "owners_major_target");
            databases.add(majorTarget);

            BackupFixtures.restore(majorTarget, BackupFixtures.dump(majorSource, 2, true), false);

            List<String> expected = ownersAndAcls(majorSource);
            assertTrue(expected.stream().anyMatch(line -> line.contains("=arwdDxtm/")),
                    "from PostgreSQL 17 on, tables also have the MAINTAIN privilege (m), which the grants must carry");
            BackupFixtures.assertSameSchema(String.join("\n", expected),
                    String.join("\n", ownersAndAcls(majorTarget)));
        } finally {
            for (DatabaseUrl url : databases) {
                TestPostgres.execute(major.url(), "DROP DATABASE IF EXISTS " + Sql.ident(url.database())
                        + " WITH (FORCE)");
            }
            for (String role : created) {
                TestPostgres.execute(major.url(), "DROP ROLE IF EXISTS " + Sql.ident(role));
            }
        }
    }

    /**
     * Owner and ACL (as PostgreSQL prints it, grantors and order included) of every schema, relation, column,
     * function, type and statistics object outside the system schemas, and every default privilege entry. A NULL ACL
     * is shown as the built-in defaults it stands for, which an ACL can also spell out (as after a change of owner):
     * PostgreSQL treats both alike, and pg_dump writes nothing for either.
     */
    private static List<String> ownersAndAcls(DatabaseUrl url) throws Exception {
        String userSchema = "SELECT oid FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'";
        String sql = "SELECT 'schema ' || nspname || ' ' || pg_get_userbyid(nspowner) || ' ' || "
                + "coalesce(nspacl, acldefault('n', nspowner))::text FROM pg_namespace WHERE oid IN (" + userSchema
                + ") "
                + "UNION ALL SELECT 'relation ' || oid::regclass || ' ' || pg_get_userbyid(relowner) || ' ' || "
                + "coalesce(relacl, acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::\"char\", "
                + "relowner))::text "
                + "FROM pg_class WHERE relnamespace IN (" + userSchema + ") "
                + "UNION ALL SELECT 'column ' || attrelid::regclass || '.' || quote_ident(attname) || ' ' || "
                + "attacl::text FROM pg_attribute WHERE cardinality(attacl) > 0 "
                + "AND attrelid IN (SELECT oid FROM pg_class "
                + "WHERE relnamespace IN (" + userSchema + ")) "
                + "UNION ALL SELECT 'function ' || oid::regprocedure || ' ' || pg_get_userbyid(proowner) || ' ' || "
                + "coalesce(proacl, acldefault('f', proowner))::text FROM pg_proc WHERE pronamespace IN (" + userSchema
                + ") "
                + "UNION ALL SELECT 'type ' || oid::regtype || ' ' || pg_get_userbyid(typowner) || ' ' || "
                + "coalesce(typacl, acldefault('T', typowner))::text FROM pg_type WHERE typnamespace IN (" + userSchema
                + ") "
                + "UNION ALL SELECT 'statistics ' || stxname || ' ' || pg_get_userbyid(stxowner) "
                + "FROM pg_statistic_ext WHERE stxnamespace IN (" + userSchema + ") "
                + "UNION ALL SELECT 'default ' || pg_get_userbyid(d.defaclrole) || ' ' || coalesce(n.nspname, '-') "
                + "|| ' ' || d.defaclobjtype::text || ' ' || d.defaclacl::text FROM pg_default_acl d "
                + "LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace ORDER BY 1";
        List<String> lines = new ArrayList<>();
        try (java.sql.Connection connection = TestPostgres.connect(url);
                java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }

    /** The oracle must see what this test is about, or two empty outputs would pass. */
    private static void assertCoversOwnersAndPrivileges(String schema) {
        for (String expected : List.of("ALTER SCHEMA secured OWNER TO ", "ALTER TYPE secured.level OWNER TO ",
                "ALTER FUNCTION secured.secret(x integer) OWNER TO ", "ALTER TABLE secured.accounts OWNER TO ",
                "ALTER TABLE secured.numbers OWNER TO ",
                "REVOKE ALL ON FUNCTION secured.secret(x integer) FROM PUBLIC;",
                "WITH GRANT OPTION;", "SET SESSION AUTHORIZATION ", "GRANT SELECT(name),UPDATE(name) ON TABLE",
                "ALTER DEFAULT PRIVILEGES FOR ROLE ", "GRANT CREATE ON SCHEMA public TO ")) {
            assertTrue(schema.contains(expected), "pg_dump shows " + expected);
        }
    }

    private static DatabaseUrl database(String prefix) {
        DatabaseUrl url = TestPostgres.createDatabase(server, prefix);
        DATABASES.add(url);
        return url;
    }

    /** Loads {@code privileges.sql} with this run's role names, with psql like the general fixture. */
    private static void loadPrivilegesFixture(DatabaseUrl url) throws IOException {
        String sql = Files.readString(Path.of("src/test/resources/backup/privileges.sql"))
                .replace("${owner}", Sql.ident(owner))
                .replace("${reader}", Sql.ident(reader))
                .replace("${writer}", Sql.ident(writer));
        BackupFixtures.restoreWithPsql(url, sql.getBytes(StandardCharsets.UTF_8));
    }

    private static String literal(String value) {
        return Sql.literal(value);
    }
}
