package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.api.JsonInputPolicy;
import dev.cpdb.backup.engine.TableStats;

/**
 * Manifests as the service reads and writes them: through {@link BackupManifest#reader} on top of the service's
 * strict JSON policy. Our design: a manifest records whether its backup carries owners and privileges, and one
 * written before that choice existed reads as a backup without them (which is what those backups are).
 */
class BackupManifestTest {

    private static final ObjectMapper JSON = serviceMapper();

    @Test
    void aManifestWrittenBeforeTheOptionExistedReadsAsWithoutOwnersAndPrivileges() throws Exception {
        String older = """
                {
                  "formatVersion" : 1,
                  "backupId" : "20260101T000000Z-abcdef",
                  "tool" : "cpdb 0.1.0",
                  "startedAt" : "2026-01-01T00:00:00Z",
                  "finishedAt" : "2026-01-01T00:00:05Z",
                  "source" : { "serverVersion" : "17.6", "serverVersionNumber" : 170006, "database" : "cpdb" },
                  "compression" : "zstd",
                  "data" : { "key" : "data.sql.zst", "bytes" : 10, "sha256" : "00", "scriptBytes" : 20 },
                  "schemas" : [ "public" ],
                  "tables" : [ { "schema" : "public", "name" : "notes", "rows" : 3, "bytes" : 30 } ],
                  "migrations" : { "core" : [ "1" ], "plugins" : { } }
                }
                """;

        BackupManifest manifest = JSON.readValue(older, BackupManifest.class);

        assertFalse(manifest.ownersAndPrivileges());
        assertEquals(3, manifest.totalRows());
    }

    @Test
    void theChoiceIsWrittenToTheManifestAndReadBack() throws Exception {
        BackupManifest manifest = new BackupManifest(1, "20260101T000000Z-abcdef", "cpdb test",
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:05Z"),
                new BackupManifest.Source("17.6", 170006, "cpdb"), "zstd", true,
                new BackupManifest.DataObject("data.sql.zst", 10, "00", 20), List.of("public"),
                List.of(new TableStats("public", "notes", 3, 30)),
                new BackupManifest.Migrations(List.of("1"), Map.of()));

        String written = JSON.writeValueAsString(manifest);

        assertTrue(written.contains("\"ownersAndPrivileges\":true"), written);
        assertTrue(JSON.readValue(written, BackupManifest.class).ownersAndPrivileges());
    }

    @Test
    void encryptionIsWrittenOnlyForEncryptedBackupsAndIsPartOfWhatIsSigned() throws Exception {
        BackupManifest plain = new BackupManifest(1, "20260101T000000Z-abcdef", "cpdb test",
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:05Z"),
                new BackupManifest.Source("17.6", 170006, "cpdb"), "zstd", false,
                new BackupManifest.DataObject("data.sql.zst", 10, "00", 20), List.of("public"),
                List.of(new TableStats("public", "notes", 3, 30)),
                new BackupManifest.Migrations(List.of("1"), Map.of()));
        BackupManifest sealed = new BackupManifest(plain.formatVersion(), plain.backupId(), plain.tool(),
                plain.startedAt(), plain.finishedAt(), plain.source(), plain.compression(), false, plain.data(),
                plain.schemas(), plain.tables(), plain.migrations(), null,
                new BackupManifest.Encryption("age", List.of("0123456789abcdef")));

        // Manifests signed before encryption existed must keep the same signed bytes.
        assertFalse(JSON.writeValueAsString(plain).contains("encryption"));
        assertFalse(new String(BackupSigning.canonical(plain, JSON)).contains("encryption"));
        String written = JSON.writeValueAsString(sealed);
        assertTrue(written.contains("\"encryption\":{\"format\":\"age\",\"recipients\":[\"0123456789abcdef\"]}"),
                written);
        assertEquals(sealed.encryption(), JSON.readValue(written, BackupManifest.class).encryption());
        assertTrue(new String(BackupSigning.canonical(sealed, JSON)).contains("0123456789abcdef"));
        assertEquals(sealed.encryption(), sealed.withSignature(new BackupManifest.Signature("a", "b", "c"))
                .encryption());
    }

    private static ObjectMapper serviceMapper() {
        ObjectMapper base = new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        new JsonInputPolicy().customize(base);
        return BackupManifest.reader(base);
    }
}
