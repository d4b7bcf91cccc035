package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.BackupFixturesAccess;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.backup.store.ForwardingStore;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.DirectConnections;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A backup store written by someone else: a script changed together with its manifest's size and SHA-256 (what
 * anyone with write access to an unsigned store can do), a data object changed without, and one replaced between
 * the checking pass and the restoring pass. Each must be refused before the first statement, or rolled back, and
 * leave the target's schema and rows as they were, with no file written on the server.
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class RestoreTrustTest {

    @Inject
    TestBackups backups;

    @Inject
    RestoreService restores;

    @Inject
    Database database;

    @Inject
    ObjectMapper json;

    FilesystemBackupStore store;
    DatabaseUrl target;

    @BeforeEach
    void backupSourceAndAFullTarget() throws SQLException {
        store = new FilesystemBackupStore(TestFolders.create("cpdb-trust").resolve("backups"));
        TestPostgres.execute(database.plan().direct(), "CREATE SCHEMA IF NOT EXISTS trust");
        TestPostgres.execute(database.plan().direct(), "CREATE TABLE IF NOT EXISTS trust.items (id int PRIMARY KEY, "
                + "name text)");
        TestPostgres.execute(database.plan().direct(), "INSERT INTO trust.items SELECT g, 'item ' || g "
                + "FROM generate_series(1, 20) g ON CONFLICT DO NOTHING");
        target = TestPostgres.createDatabase("trust_target");
        TestPostgres.execute(target, "CREATE TABLE public.precious (id int PRIMARY KEY, note text)");
        TestPostgres.execute(target, "INSERT INTO public.precious VALUES (1, 'keep'), (2, 'me')");
        TestPostgres.execute(target, "CREATE FUNCTION public.answer() RETURNS int LANGUAGE sql AS 'SELECT 42'");
    }

    /**
     * Each statement is added to the end of the script, after everything the restore would otherwise run, and with
     * {@code --clean}, which drops the target's schemas first: a check that came after the first statement would
     * leave the target changed.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "COMMIT;|transaction control",
            "ROLLBACK;|transaction control",
            "COPY (SELECT 1) TO PROGRAM 'touch FILE';|a COPY other than COPY table FROM stdin",
            "COPY (SELECT 1) TO 'FILE';|a COPY other than COPY table FROM stdin",
            "\\! touch FILE\\nSELECT 1;|a psql meta-command",
            "SET ROLE NONE;|a role change",
            "ALTER SYSTEM SET work_mem = '1MB';|a change of the server's configuration",
            "CREATE ROLE ROLENAME SUPERUSER;|a role definition",
            "DROP DATABASE postgres;|dropping a database",
            "LOAD 'plpgsql';|loading a server library",
            "DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch FILE'''; END $$;|an anonymous code block",
            "GRANT pg_execute_server_program TO PUBLIC;|a grant or revoke of a form cpdb does not write" })
    void aStatementCpdbDoesNotWriteIsRefusedBeforeAnythingRuns(String statement, String reason) throws Exception {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "cpdb-trust-" + UUID.randomUUID());
        String role = "cpdb_trust_" + Long.toHexString(System.nanoTime());
        String injected = statement.replace("\\n", "\n").replace("FILE", file.toString()).replace("ROLENAME", role);
        BackupManifest manifest = backups.take(store, Compression.NONE);
        long line = appendWithMatchingManifest(manifest, injected);
        Fingerprint before = fingerprint(target);

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), true));

        assertTrue(e.getMessage().contains("line " + line + " is refused: " + reason), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was run, the target was not changed"), e.getMessage());
        assertEquals(before, fingerprint(target));
        assertFalse(Files.exists(file), "no file written on the server");
        assertEquals("0", query(target, "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'"));
    }

    @Test
    void aDataObjectChangedWithoutItsManifestIsRefusedBeforeAnythingRuns() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.NONE);
        Path data = data(manifest);
        String script = Files.readString(data);
        Files.writeString(data, script.replace(BackupEngine.END_MARKER, "DROP TABLE \"trust\".\"items\";\n"
                + BackupEngine.END_MARKER));
        Fingerprint before = fingerprint(target);

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), true));

        assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was run"), e.getMessage());
        assertEquals(before, fingerprint(target));
    }

    @Test
    void aFileRenamedOverTheDataObjectBetweenThePassesIsNotRead() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.NONE);
        Path data = data(manifest);
        byte[] checked = Files.readAllBytes(data);
        BackupStore swapping = new SecondReadStore(store, () -> {
            // How this store replaces objects: a new file renamed over the key.
            Path other = data.resolveSibling("swap");
            Files.writeString(other, new String(checked, StandardCharsets.UTF_8).replace("item 7", "evil 7"));
            Files.move(other, data, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        });

        restores.restore(new RestoreService.Located(swapping, manifest.backupId(), manifest), direct(target), true);

        assertEquals("item 7", query(target, "SELECT name FROM trust.items WHERE id = 7"), "the checked bytes ran");
    }

    @Test
    void aDataObjectChangedInPlaceBetweenThePassesIsRolledBack() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.NONE);
        Path data = data(manifest);
        Fingerprint before = fingerprint(target);
        BackupStore changing = new SecondReadStore(store, () -> {
            String script = Files.readString(data);
            int at = script.indexOf("item 7");
            try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
                file.seek(script.substring(0, at).getBytes(StandardCharsets.UTF_8).length);
                file.write("evil".getBytes(StandardCharsets.UTF_8));
            }
        });

        BackupFailedException e = assertThrows(BackupFailedException.class, () -> restores.restore(
                new RestoreService.Located(changing, manifest.backupId(), manifest), direct(target), true));

        assertTrue(e.getMessage().contains("is damaged") && e.getMessage().contains("SHA-256"), e.getMessage());
        assertEquals(before, fingerprint(target));
    }

    @Test
    void aLargeObjectChunkAimedAtAnObjectTheScriptDidNotCreateIsRefusedBeforeAnythingRuns() throws Exception {
        DatabaseUrl source = database.plan().direct();
        String created = query(source, "SELECT lo_from_bytea(0, 'carried contents')");
        String theirs = query(target, "SELECT lo_from_bytea(0, 'the target''s own contents')");
        try {
            BackupManifest manifest = backups.take(store, Compression.NONE);
            // A store writer aims the chunk at the target's object, and fixes the manifest to match.
            String chunk = "SELECT pg_catalog.lo_put('" + created + "', 0, ";
            long line = replaceWithMatchingManifest(manifest, chunk, "SELECT pg_catalog.lo_put('" + theirs + "', 0, ");
            Fingerprint before = fingerprint(target);

            BackupFailedException e = assertThrows(BackupFailedException.class,
                    () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), true));

            assertTrue(e.getMessage().contains("line " + line + " is refused: it concerns large object " + theirs),
                    e.getMessage());
            assertTrue(e.getMessage().contains("nothing was run, the target was not changed"), e.getMessage());
            assertEquals(before, fingerprint(target));
            assertEquals("the target's own contents", query(target, "SELECT convert_from(lo_get(" + theirs
                    + "), 'UTF8')"));
        } finally {
            TestPostgres.execute(source, "SELECT lo_unlink(" + created + ")");
        }
    }

    @Test
    void aLargeObjectChunkChangedWithoutItsManifestIsRefusedBeforeAnythingRuns() throws Exception {
        DatabaseUrl source = database.plan().direct();
        String created = query(source, "SELECT lo_from_bytea(0, 'carried contents')");
        try {
            BackupManifest manifest = backups.take(store, Compression.NONE);
            Path data = data(manifest);
            String hex = HexFormat.of().formatHex("carried contents".getBytes(StandardCharsets.UTF_8));
            String script = Files.readString(data);
            assertTrue(script.contains(hex), "the chunk is in the script");
            Files.writeString(data, script.replace(hex, hex.replace("63", "64")));
            Fingerprint before = fingerprint(target);

            BackupFailedException e = assertThrows(BackupFailedException.class,
                    () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), true));

            assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
            assertTrue(e.getMessage().contains("nothing was run"), e.getMessage());
            assertEquals(before, fingerprint(target));
            assertEquals("0", query(target, "SELECT count(*) FROM pg_largeobject_metadata"));
        } finally {
            TestPostgres.execute(source, "SELECT lo_unlink(" + created + ")");
        }
    }

    /**
     * Replaces the first {@code original} in the script with {@code replacement} and rewrites the manifest's size and
     * checksum to match.
     *
     * @return the line of the change
     */
    private long replaceWithMatchingManifest(BackupManifest manifest, String original, String replacement)
            throws IOException {
        Path data = data(manifest);
        String script = Files.readString(data);
        int at = script.indexOf(original);
        assertTrue(at >= 0, "the script holds " + original);
        long line = script.substring(0, at).lines().count() + 1;
        byte[] changed = (script.substring(0, at) + replacement + script.substring(at + original.length()))
                .getBytes(StandardCharsets.UTF_8);
        Files.write(data, changed);
        rewriteManifest(data, changed);
        return line;
    }

    /**
     * Appends {@code statement} before the end marker and rewrites the manifest's size and checksum to match, as
     * anyone who can write to an unsigned store can.
     *
     * @return the line the statement starts on
     */
    private long appendWithMatchingManifest(BackupManifest manifest, String statement) throws IOException {
        Path data = data(manifest);
        String script = Files.readString(data);
        int at = script.lastIndexOf(BackupEngine.END_MARKER);
        long line = script.substring(0, at).lines().count() + 1;
        byte[] changed = (script.substring(0, at) + statement + "\n\n" + script.substring(at))
                .getBytes(StandardCharsets.UTF_8);
        Files.write(data, changed);
        rewriteManifest(data, changed);
        return line;
    }

    /** Sets the manifest's size and checksum to those of {@code changed}. */
    private void rewriteManifest(Path data, byte[] changed) throws IOException {
        Path manifestFile = data.resolveSibling(BackupManifest.FILE_NAME);
        ObjectNode tree = (ObjectNode) json.readTree(manifestFile.toFile());
        ObjectNode dataNode = (ObjectNode) tree.get("data");
        dataNode.put("bytes", changed.length);
        dataNode.put("scriptBytes", changed.length);
        dataNode.put("sha256", sha256(changed));
        Files.write(manifestFile, json.writeValueAsBytes(tree));
    }

    private Path data(BackupManifest manifest) {
        return store.root().resolve(manifest.backupId()).resolve(manifest.data().key());
    }

    /** The target's user objects and every table's rows. */
    record Fingerprint(List<String> objects, Map<String, String> rows) {
    }

    static Fingerprint fingerprint(DatabaseUrl url) throws SQLException {
        List<String> objects = new ArrayList<>();
        try (Connection connection = TestPostgres.connect(url);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text "
                        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname !~ '^pg_' "
                        + "AND n.nspname <> 'information_schema' UNION ALL SELECT n.nspname || '.' || p.proname "
                        + "|| '()' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname !~ "
                        + "'^pg_' AND n.nspname <> 'information_schema' UNION ALL SELECT 'schema ' || nspname FROM "
                        + "pg_namespace ORDER BY 1")) {
            while (rs.next()) {
                objects.add(rs.getString(1));
            }
        }
        return new Fingerprint(objects, BackupFixturesAccess.rowHashes(url));
    }

    static String query(DatabaseUrl url, String sql) throws SQLException {
        try (Connection connection = TestPostgres.connect(url);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static DirectConnections direct(DatabaseUrl url) {
        return new DirectConnections(url, "cpdb-test", Duration.ofSeconds(10));
    }

    /** Something done to the store between the checking pass and the restoring pass. */
    @FunctionalInterface
    interface Tampering {
        void run() throws IOException;
    }

    /** A store in front of a real one that tampers right before the second read of a pinned object. */
    static final class SecondReadStore extends ForwardingStore {

        private final Tampering tampering;

        SecondReadStore(BackupStore delegate, Tampering tampering) {
            super(delegate);
            this.tampering = tampering;
        }

        @Override
        public Optional<Pinned> pin(String key) throws IOException {
            Optional<Pinned> pinned = delegate.pin(key);
            if (pinned.isEmpty()) {
                return pinned;
            }
            int[] reads = new int[1];
            return Optional.of(new Pinned() {
                @Override
                public InputStream open() throws IOException {
                    if (++reads[0] == 2) {
                        tampering.run();
                    }
                    return pinned.get().open();
                }

                @Override
                public void close() throws IOException {
                    pinned.get().close();
                }
            });
        }
    }
}
