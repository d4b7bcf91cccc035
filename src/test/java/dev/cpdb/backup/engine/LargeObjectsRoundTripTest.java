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
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.PostgresClientTools;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestPostgres;

/**
 * Large objects through a backup and a restore, on PostgreSQL 15: hundreds of small ones (some empty, some with
 * comments, other owners and privileges, one granted by a role other than its owner), one of a few MB, one whose
 * size is an exact number of chunks and one with an oid above 2^31, referenced from a table. The oracles are
 * PostgreSQL's own functions ({@code md5(lo_get(oid))}, owner, ACL and comment per oid) and {@code pg_dump --blobs}
 * 15, whose output for the source and the restored database must be identical.
 *
 * <p>
 * Roles belong to the whole server, which other test classes share: this class creates its roles under names unique
 * to the run and drops them, after the databases that use them, at the end.
 */
@RequiresPostgresClientTools
class LargeObjectsRoundTripTest {

    private static final List<String> ROLES = new ArrayList<>();
    private static final List<DatabaseUrl> DATABASES = new ArrayList<>();

    private static EmbeddedPostgres server;
    private static DatabaseUrl source;
    private static String owner;
    private static String reader;
    private static String writer;
    private static DumpResult dumped;
    private static byte[] script;

    @BeforeAll
    static void dumpLargeObjectsWithOwnersAndPrivileges() throws Exception {
        server = TestPostgres.server15();
        String suffix = ProcessHandle.current().pid() + "_" + Long.toString(System.nanoTime() % 1_000_000, 36);
        owner = "lo \"owner\" " + suffix;
        reader = "lecteur é " + suffix;
        writer = "Writer." + suffix;
        for (String role : List.of(owner, reader, writer)) {
            TestPostgres.execute(server.url(), "CREATE ROLE " + Sql.ident(role));
            ROLES.add(role);
        }
        source = database("lo_source");
        loadFixture(source);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(source)) {
            dumped = BackupEngine.dump(connection, out,
                    new BackupEngine.Options(Duration.ofSeconds(10), Instant.now().plusSeconds(300))
                            .withJobs(2, () -> TestPostgres.connect(source))
                            .withOwnersAndPrivileges(true));
        }
        script = out.toByteArray();
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
    void theBackupCountsEveryLargeObjectAndItsBytes() throws SQLException {
        // PostgreSQL's own count and sizes of the source.
        String expected = BackupFixtures.query(source, "SELECT count(*) || ' ' || "
                + "coalesce(sum(length(lo_get(oid))), 0) FROM pg_largeobject_metadata");

        assertEquals(expected, dumped.largeObjects().count() + " " + dumped.largeObjects().bytes());
        assertEquals(304, dumped.largeObjects().count());
    }

    @Test
    void aRestoreByCpdbReproducesEveryLargeObjectWithItsOidContentsCommentOwnerAndPrivileges() throws Exception {
        DatabaseUrl target = database("lo_cpdb");

        RestoreResult result = BackupFixtures.restore(target, script, false);

        assertEquals(dumped.largeObjects(), result.largeObjects());
        assertSameLargeObjects(source, target);
        assertEquals("0", BackupFixtures.query(target, "SELECT count(*) FROM docs.documents d WHERE NOT EXISTS "
                + "(SELECT 1 FROM pg_largeobject_metadata m WHERE m.oid = d.body)"), "every reference resolves");
        assertEquals("1", BackupFixtures.query(target, "SELECT count(*) FROM pg_largeobject_metadata m, "
                + "aclexplode(m.lomacl) a WHERE m.oid = (SELECT body FROM docs.documents WHERE id = 1001) "
                + "AND pg_get_userbyid(a.grantor) = " + Sql.literal(reader) + " AND pg_get_userbyid(a.grantee) = "
                + Sql.literal(writer)), "granted by the reader through its grant option");
    }

    @Test
    void stockPsqlRestoresTheSameScriptToTheSameLargeObjects() throws Exception {
        DatabaseUrl target = database("lo_psql");

        BackupFixtures.restoreWithPsql(target, script);

        assertSameLargeObjects(source, target);
    }

    @Test
    void contentsAreWrittenInBoundedChunksInOidOrder() {
        List<String> puts = new String(script, StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("SELECT pg_catalog.lo_put(")).toList();

        int longest = puts.stream().mapToInt(String::length).max().orElseThrow();
        // The statement around the hex digits of one chunk.
        assertTrue(longest <= 2 * LargeObjects.CHUNK_BYTES + 80, "longest chunk statement: " + longest);
        assertTrue(puts.size() > 3_200_000 / LargeObjects.CHUNK_BYTES, "the big object takes several chunks");
    }

    @Test
    void withoutOwnersAndPrivilegesEveryLargeObjectBelongsToTheRestoringRole() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(source)) {
            BackupEngine.dump(connection, out,
                    new BackupEngine.Options(Duration.ofSeconds(10), Instant.now().plusSeconds(300)));
        }
        String text = out.toString(StandardCharsets.UTF_8);
        DatabaseUrl target = database("lo_no_owners");

        BackupFixtures.restore(target, out.toByteArray(), false);

        assertFalse(text.contains("ALTER LARGE OBJECT") || text.contains("GRANT ") || text.contains("REVOKE "));
        assertEquals(md5s(source), md5s(target));
        assertEquals(comments(source), comments(target));
        assertEquals("cpdb", BackupFixtures.query(target, "SELECT string_agg(DISTINCT pg_get_userbyid(lomowner), "
                + "',') FROM pg_largeobject_metadata"));
        assertEquals("0", BackupFixtures.query(target, "SELECT count(*) FROM pg_largeobject_metadata "
                + "WHERE lomacl IS NOT NULL"));
        // Like pg_dump --no-owner --no-privileges of the source.
        BackupFixtures.assertSameSchema(comparable(PostgresClientTools.largeObjectsDump(source, false)),
                comparable(PostgresClientTools.largeObjectsDump(target, false)));
    }

    @Test
    void aTargetHoldingALargeObjectIsNotEmptyAndIsLeftAsItWas() throws Exception {
        DatabaseUrl target = database("lo_not_empty");
        TestPostgres.execute(target, "SELECT lo_from_bytea(0, '\\x0102')");
        Map<Long, String> before = contents(target);

        BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.restore(target, script, false));

        assertTrue(e.getMessage().contains("the target database is not empty") && e.getMessage().contains(
                "1 large object"), e.getMessage());
        assertEquals(before, contents(target));
    }

    @Test
    void cleanReplacesTheLargeObjectsTheBackupHoldsAndLeavesTheOthers() throws Exception {
        // pg_restore --clean's behaviour: the archive's large objects are unlinked before they are created again.
        DatabaseUrl target = database("lo_clean");
        long shared = Long.parseLong(BackupFixtures.query(source, "SELECT min(oid) FROM pg_largeobject_metadata"));
        TestPostgres.execute(target, "SELECT lo_from_bytea(" + shared + ", 'stale contents')");
        TestPostgres.execute(target, "COMMENT ON LARGE OBJECT " + shared + " IS 'stale comment'");
        TestPostgres.execute(target, "SELECT lo_from_bytea(3999999999, 'only in the target')");
        TestPostgres.execute(target, "CREATE TABLE public.leftover (id int)");

        BackupFixtures.restore(target, script, true);

        Map<Long, String> restored = contents(target);
        assertEquals("only in the target", BackupFixtures.query(target,
                "SELECT convert_from(lo_get(3999999999), 'UTF8')"));
        restored.remove(3999999999L);
        assertEquals(contents(source), restored);
        assertEquals(comments(source), comments(target));
    }

    /** Large objects, their references and privileges, in the source's database. */
    private static void loadFixture(DatabaseUrl url) {
        TestPostgres.execute(url, "CREATE SCHEMA docs");
        TestPostgres.execute(url, "CREATE TABLE docs.documents (id int PRIMARY KEY, title text, body oid)");
        TestPostgres.execute(url, """
                DO $$
                DECLARE i int; o oid;
                BEGIN
                  FOR i IN 1..300 LOOP
                    o := pg_catalog.lo_from_bytea(0, CASE WHEN i % 50 = 0 THEN ''::bytea
                        ELSE convert_to(repeat('page ' || i || ' ', i), 'UTF8') END);
                    INSERT INTO docs.documents VALUES (i, 'doc ' || i, o);
                    IF i % 7 = 0 THEN
                      EXECUTE format('COMMENT ON LARGE OBJECT %s IS %L', o, 'scan ' || i || ' l''été; -- not SQL');
                    END IF;
                    IF i % 11 = 0 THEN
                      EXECUTE format('ALTER LARGE OBJECT %s OWNER TO %I', o, OWNER);
                    END IF;
                    IF i % 13 = 0 THEN
                      EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO %I', o, READER);
                    END IF;
                    IF i % 17 = 0 THEN
                      EXECUTE format('GRANT SELECT, UPDATE ON LARGE OBJECT %s TO PUBLIC', o);
                    END IF;
                  END LOOP;
                END $$
                """.replace("OWNER)", Sql.literal(owner) + ")").replace("READER)", Sql.literal(reader) + ")"));
        // A few MB that are not a whole number of chunks.
        TestPostgres.execute(url, "INSERT INTO docs.documents SELECT 1001, 'big', lo_from_bytea(0, "
                + "(SELECT string_agg(sha256(g::text::bytea), ''::bytea ORDER BY g) FROM generate_series(1, 100000) g))");
        // Exactly two chunks: the reader must stop after the second full one.
        TestPostgres.execute(url, "INSERT INTO docs.documents SELECT 1002, 'two chunks', lo_from_bytea(0, "
                + "decode(repeat('ab', " + 2 * LargeObjects.CHUNK_BYTES + "), 'hex'))");
        TestPostgres.execute(url, "INSERT INTO docs.documents SELECT 1003, 'high oid', "
                + "lo_from_bytea(4000000000, 'above 2^31')");
        TestPostgres.execute(url, "INSERT INTO docs.documents SELECT 1004, 'empty, owned, commented', "
                + "lo_create(0)");
        TestPostgres.execute(url, "DO $$ DECLARE big oid := (SELECT body FROM docs.documents WHERE id = 1001); "
                + "empty oid := (SELECT body FROM docs.documents WHERE id = 1004); BEGIN "
                + "EXECUTE format('COMMENT ON LARGE OBJECT %s IS ''empty''', empty); "
                + "EXECUTE format('ALTER LARGE OBJECT %s OWNER TO %I', empty, " + Sql.literal(owner) + "); "
                + "EXECUTE format('ALTER LARGE OBJECT %s OWNER TO %I', big, " + Sql.literal(owner) + "); "
                + "EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO %I WITH GRANT OPTION', big, "
                + Sql.literal(reader) + "); "
                + "EXECUTE format('REVOKE UPDATE ON LARGE OBJECT %s FROM %I', big, " + Sql.literal(owner) + "); "
                + "EXECUTE format('SET LOCAL ROLE %I', " + Sql.literal(reader) + "); "
                + "EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO %I', big, " + Sql.literal(writer) + "); "
                + "END $$");
    }

    /**
     * Asserts that two databases hold the same large objects: contents, owners, ACLs and comments by oid, and
     * {@code pg_dump --blobs} output identical.
     */
    private static void assertSameLargeObjects(DatabaseUrl expected, DatabaseUrl actual) throws SQLException {
        assertEquals(contents(expected), contents(actual));
        assertEquals(comments(expected), comments(actual));
        BackupFixtures.assertSameSchema(comparable(PostgresClientTools.largeObjectsDump(expected, true)),
                comparable(PostgresClientTools.largeObjectsDump(actual, true)));
        assertEquals(BackupFixtures.rowHashes(expected), BackupFixtures.rowHashes(actual));
    }

    /** md5 and size of every large object's contents with its owner and ACL, by oid. */
    private static Map<Long, String> contents(DatabaseUrl url) throws SQLException {
        return byOid(url, "SELECT oid, md5(lo_get(oid)) || ' ' || length(lo_get(oid)) || ' ' || "
                + "pg_get_userbyid(lomowner) || ' ' || coalesce(lomacl::text, '-') FROM pg_largeobject_metadata");
    }

    /** md5 and size of every large object's contents, by oid. */
    private static Map<Long, String> md5s(DatabaseUrl url) throws SQLException {
        return byOid(url, "SELECT oid, md5(lo_get(oid)) || ' ' || length(lo_get(oid)) FROM pg_largeobject_metadata");
    }

    private static Map<Long, String> comments(DatabaseUrl url) throws SQLException {
        return byOid(url, "SELECT objoid, description FROM pg_description WHERE classoid = "
                + "'pg_largeobject'::regclass");
    }

    private static Map<Long, String> byOid(DatabaseUrl url, String sql) throws SQLException {
        Map<Long, String> values = new LinkedHashMap<>();
        try (Connection connection = TestPostgres.connect(url);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql + " ORDER BY 1")) {
            while (rs.next()) {
                values.put(rs.getLong(1), rs.getString(2));
            }
        }
        return values;
    }

    private static String comparable(String dump) {
        return dump.lines().filter(line -> !line.startsWith("--"))
                .filter(line -> !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
                .filter(line -> !line.isBlank())
                .collect(Collectors.joining("\n"));
    }

    private static DatabaseUrl database(String prefix) {
        DatabaseUrl url = TestPostgres.createDatabase(server, prefix);
        DATABASES.add(url);
        return url;
    }
}
