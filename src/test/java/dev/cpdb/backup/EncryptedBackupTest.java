package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cpdb.backup.crypto.AgeIdentity;
import dev.cpdb.backup.crypto.AgeRecipient;
import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.BackupFixturesAccess;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.AgeTool;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.PostgresClientTools;
import dev.cpdb.testing.RequiresAge;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Backups encrypted to an age recipient: the writer holds only the public key; stock {@code age}, {@code zstd} and
 * {@code psql} restore them without cpdb; cpdb restores them with the identity and refuses, before the first
 * statement, one without identity or with a flipped byte.
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
@RequiresAge
@RequiresPostgresClientTools
class EncryptedBackupTest {

    @Inject
    Database database;

    @Inject
    ObjectMapper json;

    Path folder;
    Path keyFile;
    String recipient;
    FilesystemBackupStore store;

    @BeforeEach
    void keysAndSource() throws SQLException {
        folder = TestFolders.create("cpdb-age");
        keyFile = folder.resolve("backup.key");
        recipient = AgeTool.keygen(keyFile);
        store = new FilesystemBackupStore(folder.resolve("backups"));
        DatabaseUrl source = database.plan().direct();
        TestPostgres.execute(source, "CREATE SCHEMA IF NOT EXISTS sealed");
        TestPostgres.execute(source, "CREATE TABLE IF NOT EXISTS sealed.secrets (id int PRIMARY KEY, body text)");
        TestPostgres.execute(source, "INSERT INTO sealed.secrets SELECT g, 'secret number ' || g "
                + "FROM generate_series(1, 5000) g ON CONFLICT DO NOTHING");
    }

    @Test
    void anEncryptedBackupRestoresWithCpdbAndWithStockAgeZstdAndPsql() throws Exception {
        TestBackups writer = backups(Optional.of(recipient), Optional.empty());
        DatabaseUrl source = database.plan().direct();
        BackupManifest manifest = writer.take(store, Compression.ZSTD);
        RestoreTrustTest.Fingerprint sourceObjects = RestoreTrustTest.fingerprint(source);

        assertEquals("data.sql.zst.age", manifest.data().key());
        assertEquals(new BackupManifest.Encryption("age",
                List.of(AgeIdentity.parseAll(Files.readString(keyFile)).get(0).recipient().fingerprint())),
                manifest.encryption());
        Path stored = data(manifest);
        byte[] bytes = Files.readAllBytes(stored);
        assertEquals(manifest.data().bytes(), bytes.length);
        assertEquals(RestoreTrustTest.sha256(bytes), manifest.data().sha256(), "the hash is over the stored bytes");
        assertEquals("age-encryption.org/v1\n", new String(bytes, 0, 22, StandardCharsets.US_ASCII));

        // By hand, as docs/backups.md says: age -d -i key | zstd -d | psql.
        DatabaseUrl byHand = TestPostgres.createDatabase("age_psql");
        restoreByHand(stored, byHand);
        assertEquals(sourceObjects, RestoreTrustTest.fingerprint(byHand));
        assertEquals("5000", RestoreTrustTest.query(byHand, "SELECT count(*) FROM sealed.secrets"));

        // With cpdb, which needs the identity.
        RestoreService reader = backups(Optional.empty(), Optional.of(keyFile)).restores();
        DatabaseUrl restored = TestPostgres.createDatabase("age_cpdb");
        RestoreOutcome outcome = reader.restore(reader.locate(store, manifest.backupId()),
                RestoreTrustTest.direct(restored), false);
        assertEquals(manifest.totalRows(), outcome.rows());
        assertEquals(sourceObjects, RestoreTrustTest.fingerprint(restored));
    }

    @Test
    void largeObjectsComeBackFromAnEncryptedBackupWithCpdbAndWithStockTools() throws Exception {
        DatabaseUrl source = database.plan().direct();
        // Several chunks of bytes of every value.
        String oid = RestoreTrustTest.query(source,
                "SELECT lo_from_bytea(0, (SELECT string_agg(sha256(g::text::bytea), "
                        + "''::bytea) FROM generate_series(1, 10000) g))");
        try {
            String md5 = "SELECT md5(lo_get(" + oid + "))";
            BackupManifest manifest = backups(Optional.of(recipient), Optional.empty()).take(store,
                    Compression.ZSTD);

            DatabaseUrl byHand = TestPostgres.createDatabase("age_lo_psql");
            restoreByHand(data(manifest), byHand);
            assertEquals(RestoreTrustTest.query(source, md5), RestoreTrustTest.query(byHand, md5));

            RestoreService reader = backups(Optional.empty(), Optional.of(keyFile)).restores();
            DatabaseUrl restored = TestPostgres.createDatabase("age_lo_cpdb");
            RestoreOutcome outcome = reader.restore(reader.locate(store, manifest.backupId()),
                    RestoreTrustTest.direct(restored), false);
            assertEquals(RestoreTrustTest.query(source, md5), RestoreTrustTest.query(restored, md5));
            assertEquals(manifest.largeObjects(), outcome.largeObjects());
            assertTrue(outcome.largeObjects().bytes() >= 10000 * 32, outcome.largeObjects().toString());
        } finally {
            TestPostgres.execute(source, "SELECT lo_unlink(" + oid + ")");
        }
    }

    /**
     * The same pipeline on a PostgreSQL 15 server, so that Debian's {@code pg_dump} 15 can compare the schema that
     * stock tools restored from the encrypted object with the source's.
     */
    @Test
    void onPostgres15StockToolsRestoreTheSameSchemaAndRows() throws Exception {
        EmbeddedPostgres server15 = TestPostgres.server15();
        DatabaseUrl source = TestPostgres.createDatabase(server15, "age_source15");
        BackupFixturesAccess.loadFixture(source);
        Path stored = folder.resolve("data.sql.zst.age");
        try (Connection connection = TestPostgres.connect(source);
                OutputStream script = BackupPipeline.scriptSink(Files.newOutputStream(stored), Compression.ZSTD, 3,
                        Optional.of(AgeRecipient.parseList(recipient)))) {
            BackupEngine.dump(connection, script,
                    new BackupEngine.Options(Duration.ofSeconds(10), Instant.now().plusSeconds(300)));
        }
        DatabaseUrl byHand = TestPostgres.createDatabase(server15, "age_psql15");
        restoreByHand(stored, byHand);
        assertEquals(BackupFixturesAccess.comparableSchema(source), BackupFixturesAccess.comparableSchema(byHand));
        assertEquals(BackupFixturesAccess.rowHashes(source), BackupFixturesAccess.rowHashes(byHand));
    }

    /** {@code age -d -i key}, {@code zstd -d}, {@code psql}: Debian's programs only. */
    private void restoreByHand(Path stored, DatabaseUrl target) {
        Path compressed = folder.resolve("backup-" + target.database() + ".sql.zst");
        Path script = folder.resolve("backup-" + target.database() + ".sql");
        AgeTool.decrypt(keyFile, stored, compressed);
        PostgresClientTools.zstdDecompress(compressed, script);
        PostgresClientTools.psqlFile(target, script);
    }

    @Test
    void withoutAnIdentityTheRestoreIsRefusedBeforeAnyStatement() throws Exception {
        TestBackups writer = backups(Optional.of(recipient), Optional.empty());
        RestoreService withoutIdentity = writer.restores();
        BackupManifest manifest = writer.take(store, Compression.ZSTD);
        DatabaseUrl target = fullTarget();
        RestoreTrustTest.Fingerprint before = RestoreTrustTest.fingerprint(target);

        BackupFailedException refused = assertThrows(BackupFailedException.class, () -> withoutIdentity.restore(
                withoutIdentity.locate(store, manifest.backupId()), RestoreTrustTest.direct(target), true));

        assertTrue(refused.getMessage().contains("is encrypted"), refused.getMessage());
        assertTrue(refused.getMessage().contains("CPDB_BACKUP_ENCRYPTION_IDENTITY"), refused.getMessage());
        assertTrue(refused.getMessage().contains("nothing was run, the target was not changed"), refused.getMessage());
        assertEquals(before, RestoreTrustTest.fingerprint(target));

        // Another identity: refused by fingerprint, still before anything runs.
        Path otherKey = folder.resolve("other.key");
        AgeTool.keygen(otherKey);
        RestoreService other = backups(Optional.empty(), Optional.of(otherKey)).restores();
        BackupFailedException wrongKey = assertThrows(BackupFailedException.class, () -> other.restore(
                other.locate(store, manifest.backupId()), RestoreTrustTest.direct(target), true));
        assertTrue(wrongKey.getMessage().contains("none of the configured identities matches"), wrongKey.getMessage());
        assertEquals(before, RestoreTrustTest.fingerprint(target));
    }

    @Test
    void aFlippedByteIsRefusedBeforeAnyStatementEvenWithARewrittenHash() throws Exception {
        TestBackups withBothKeys = backups(Optional.of(recipient), Optional.of(keyFile));
        RestoreService restores = withBothKeys.restores();
        BackupManifest manifest = withBothKeys.take(store, Compression.ZSTD);
        DatabaseUrl target = fullTarget();
        RestoreTrustTest.Fingerprint before = RestoreTrustTest.fingerprint(target);
        Path stored = data(manifest);
        byte[] altered = Files.readAllBytes(stored);
        altered[altered.length - 40] ^= 0x01;
        Files.write(stored, altered);

        BackupFailedException damaged = assertThrows(BackupFailedException.class, () -> restores.restore(
                restores.locate(store, manifest.backupId()), RestoreTrustTest.direct(target), true));
        assertTrue(damaged.getMessage().contains("SHA-256 does not match"), damaged.getMessage());
        assertTrue(damaged.getMessage().contains("nothing was run, the target was not changed"), damaged.getMessage());
        assertEquals(before, RestoreTrustTest.fingerprint(target));

        // Whoever can write an unsigned store can write a matching hash too: the age tags still refuse it.
        Path manifestFile = stored.resolveSibling(BackupManifest.FILE_NAME);
        ObjectNode tree = (ObjectNode) json.readTree(manifestFile.toFile());
        ((ObjectNode) tree.get("data")).put("sha256", RestoreTrustTest.sha256(altered));
        Files.write(manifestFile, json.writeValueAsBytes(tree));
        BackupFailedException forged = assertThrows(BackupFailedException.class, () -> restores.restore(
                restores.locate(store, manifest.backupId()), RestoreTrustTest.direct(target), true));
        assertTrue(forged.getMessage().contains("cannot be decrypted"), forged.getMessage());
        assertTrue(forged.getMessage().contains("fails authentication"), forged.getMessage());
        assertTrue(forged.getMessage().contains("nothing was run, the target was not changed"), forged.getMessage());
        assertEquals(before, RestoreTrustTest.fingerprint(target));
        // The stock tool agrees that the object was altered.
        assertNotEquals(0, AgeTool.tryDecrypt(keyFile, stored, folder.resolve("altered.sql.zst")).exit());
    }

    @Test
    void badKeySettingsAreRefusedNamingTheSetting() {
        BackupFailedException recipientRefused = assertThrows(BackupFailedException.class,
                () -> backups(Optional.of(recipient + ",age1notakey"), Optional.empty()).options()
                        .validateEncryptionSettings());
        assertTrue(recipientRefused.getMessage().startsWith("CPDB_BACKUP_ENCRYPTION_RECIPIENT"),
                recipientRefused.getMessage());
        assertTrue(recipientRefused.getMessage().contains("recipient 2"), recipientRefused.getMessage());

        BackupFailedException identityRefused = assertThrows(BackupFailedException.class,
                () -> backups(Optional.empty(), Optional.of(folder.resolve("missing.key")))
                        .options().validateEncryptionSettings());
        assertTrue(identityRefused.getMessage().startsWith("CPDB_BACKUP_ENCRYPTION_IDENTITY_FILE"),
                identityRefused.getMessage());
        assertFalse(identityRefused.getMessage().contains("AGE-SECRET-KEY"), identityRefused.getMessage());
    }

    private TestBackups backups(Optional<String> recipients, Optional<Path> identityFile) {
        return TestBackups.wired(database, new ShortLockTimeout() {
            @Override
            public Optional<String> encryptionRecipient() {
                return recipients;
            }

            @Override
            public Optional<String> encryptionIdentityFile() {
                return identityFile.map(Path::toString);
            }
        }, json);
    }

    private DatabaseUrl fullTarget() throws SQLException {
        DatabaseUrl target = TestPostgres.createDatabase("age_target");
        TestPostgres.execute(target, "CREATE TABLE public.precious (id int PRIMARY KEY, note text)");
        TestPostgres.execute(target, "INSERT INTO public.precious VALUES (1, 'keep'), (2, 'me')");
        return target;
    }

    private Path data(BackupManifest manifest) {
        return store.root().resolve(manifest.backupId()).resolve(manifest.data().key());
    }
}
