package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Signed manifests: while a key is configured, a restore refuses a backup whose signature is missing, made with an
 * unknown key or does not match, names the reason and changes nothing; {@code --allow-unsigned} accepts the first two
 * on purpose; a rotated key keeps verifying older backups.
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class BackupSigningTest {

    static final String OLD_KEY = "old-signing-key-0123456789abcdefghijklmnop";
    static final String NEW_KEY = "new-signing-key-0123456789abcdefghijklmnop";

    @Inject
    Database database;

    @Inject
    ObjectMapper json;

    FilesystemBackupStore store;
    DatabaseUrl target;

    @BeforeEach
    void sourceAndTarget() {
        store = new FilesystemBackupStore(TestFolders.create("cpdb-signing").resolve("backups"));
        TestPostgres.execute(database.plan().direct(), "CREATE SCHEMA IF NOT EXISTS signing");
        TestPostgres.execute(database.plan().direct(), "CREATE TABLE IF NOT EXISTS signing.notes (id int PRIMARY "
                + "KEY, body text)");
        TestPostgres.execute(database.plan().direct(), "INSERT INTO signing.notes SELECT g, 'note ' || g FROM "
                + "generate_series(1, 10) g ON CONFLICT DO NOTHING");
        target = TestPostgres.createDatabase("signing_target");
        TestPostgres.execute(target, "CREATE TABLE public.precious (id int)");
        TestPostgres.execute(target, "INSERT INTO public.precious VALUES (1), (2)");
    }

    @Test
    void aSignedBackupRestoresUnderItsKeyAndTheManifestNamesTheKey() throws Exception {
        BackupManifest manifest = backups(OLD_KEY).take(store, Compression.ZSTD);

        assertNotNull(manifest.signature());
        assertEquals("HMAC-SHA256", manifest.signature().algorithm());
        assertEquals(manifest, reread(manifest.backupId()), "the signature is in the stored manifest");
        assertTrue(Files.readString(manifestFile(manifest)).contains(manifest.signature().keyId()));
        backups(OLD_KEY).restores().restore(located(manifest), RestoreTrustTest.direct(target), true);

        assertEquals("10", RestoreTrustTest.query(target, "SELECT count(*) FROM signing.notes"));
        assertNull(backups(null).take(store, Compression.ZSTD).signature(), "without a key, no signature");
    }

    @Test
    void anUnsignedBackupIsRefusedWhileAKeyIsConfiguredUnlessAllowedOnPurpose() throws Exception {
        BackupManifest manifest = backups(null).take(store, Compression.ZSTD);
        RestoreTrustTest.Fingerprint before = RestoreTrustTest.fingerprint(target);

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> backups(NEW_KEY).restores().restore(located(manifest), RestoreTrustTest.direct(target), true));

        assertTrue(e.getMessage().contains("backup " + manifest.backupId() + " is not signed"), e.getMessage());
        assertTrue(e.getMessage().contains("--allow-unsigned"), e.getMessage());
        assertEquals(before, RestoreTrustTest.fingerprint(target));

        backups(NEW_KEY).restores().restore(located(manifest), RestoreTrustTest.direct(target), true, true);
        assertEquals("10", RestoreTrustTest.query(target, "SELECT count(*) FROM signing.notes"));
    }

    @Test
    void aManifestChangedAfterSigningIsRefusedEvenWhenUnsignedBackupsAreAllowed() throws Exception {
        BackupManifest manifest = backups(OLD_KEY).take(store, Compression.NONE);
        // What someone who can write to the store but lacks the key can do: change the script and make the manifest's
        // checksum match it again.
        Path data = store.root().resolve(manifest.backupId()).resolve(manifest.data().key());
        byte[] changed = Files.readString(data).replace(BackupEngine.END_MARKER, "CREATE SCHEMA \"intruder\";\n\n"
                + BackupEngine.END_MARKER).getBytes(StandardCharsets.UTF_8);
        Files.write(data, changed);
        BackupManifest forged = new BackupManifest(manifest.formatVersion(), manifest.backupId(), manifest.tool(),
                manifest.startedAt(), manifest.finishedAt(), manifest.source(), manifest.compression(),
                manifest.ownersAndPrivileges(), new BackupManifest.DataObject(manifest.data().key(), changed.length,
                        RestoreTrustTest.sha256(changed), changed.length),
                manifest.schemas(), manifest.tables(), manifest.migrations(), manifest.signature());
        Files.writeString(manifestFile(manifest), BackupManifest.writer(json).writeValueAsString(forged));
        RestoreTrustTest.Fingerprint before = RestoreTrustTest.fingerprint(target);

        for (boolean allowUnsigned : new boolean[] { false, true }) {
            BackupFailedException e = assertThrows(BackupFailedException.class, () -> backups(OLD_KEY)
                    .restores().restore(located(forged), RestoreTrustTest.direct(target), true, allowUnsigned));

            assertTrue(e.getMessage().contains("the signature of backup " + manifest.backupId()
                    + " does not match its manifest"), e.getMessage());
            assertEquals(before, RestoreTrustTest.fingerprint(target));
        }
    }

    @Test
    void aRotatedKeyStillVerifiesOlderBackupsAndAnUnknownKeyIsNamed() throws Exception {
        BackupManifest old = backups(OLD_KEY).take(store, Compression.ZSTD);

        BackupManifest fresh = backups(NEW_KEY + "," + OLD_KEY).take(store, Compression.ZSTD);
        assertTrue(!fresh.signature().keyId().equals(old.signature().keyId()), "the first key signs");
        backups(NEW_KEY + "," + OLD_KEY).restores().restore(located(old), RestoreTrustTest.direct(target), true);
        assertEquals("10", RestoreTrustTest.query(target, "SELECT count(*) FROM signing.notes"));

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> backups(NEW_KEY).restores().restore(located(old), RestoreTrustTest.direct(target), true));
        assertTrue(e.getMessage().contains("is signed with key " + old.signature().keyId()
                + ", which is not one of the configured keys"), e.getMessage());
        backups(NEW_KEY).restores().restore(located(old), RestoreTrustTest.direct(target), true, true);
    }

    @Test
    void keysFromAFileVerifyAndAShortKeyIsRefusedNamingTheSetting() throws Exception {
        Path file = TestFolders.create("cpdb-signing-keys").resolve("keys");
        Files.writeString(file, "# rotated keys, the first signs\n" + NEW_KEY + "\n" + OLD_KEY + "\n");
        BackupManifest old = backups(OLD_KEY).take(store, Compression.ZSTD);

        backups(null, file.toString()).restores().restore(located(old), RestoreTrustTest.direct(target), true);

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> backups("too-short").restores().restore(located(old), RestoreTrustTest.direct(target), true));
        assertTrue(e.getMessage().contains("CPDB_BACKUP_SIGNING_KEY (cpdb.backup.signing-key) holds a key shorter "
                + "than 32 characters"), e.getMessage());
    }

    private BackupManifest reread(String id) {
        return backups(null).restores().manifest(store, id).orElseThrow();
    }

    private Path manifestFile(BackupManifest manifest) {
        return store.root().resolve(manifest.backupId()).resolve(BackupManifest.FILE_NAME);
    }

    private RestoreService.Located located(BackupManifest manifest) {
        return new RestoreService.Located(store, manifest.backupId(), reread(manifest.backupId()));
    }

    private TestBackups backups(String keys) {
        return backups(keys, null);
    }

    /** A service signing with {@code keys} (comma-separated) and the keys of {@code file}; neither: no signing. */
    TestBackups backups(String keys, String file) {
        return TestBackups.wired(database, new ShortLockTimeout() {
            @Override
            public Optional<String> signingKey() {
                return Optional.ofNullable(keys);
            }

            @Override
            public Optional<String> signingKeyFile() {
                return Optional.ofNullable(file);
            }
        }, json);
    }
}
