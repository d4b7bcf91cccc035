package dev.cpdb.backup.retention;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.backup.BackupId;
import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.TableStats;
import dev.cpdb.backup.store.BackupStore;

/**
 * Committed backups without a database: a small data object and a manifest describing it, written through the store
 * API in the same order and shape as {@code BackupPipeline} writes them, with whatever times a test needs.
 */
public final class FakeBackups {

    /** Reads and writes manifests like the service's mapper: ISO-8601 times, unknown fields ignored. */
    public static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static final String DATA = "data.sql";

    private FakeBackups() {
    }

    /** Writes a committed backup that started a minute before {@code finished}; returns its id. */
    public static String commit(BackupStore store, Instant finished) throws IOException {
        String id = BackupId.next(finished.minusSeconds(60));
        commit(store, id, finished);
        return id;
    }

    /** Writes a committed backup with the given id: data object first, manifest last. */
    public static void commit(BackupStore store, String id, Instant finished) throws IOException {
        byte[] data = ("-- fake backup " + id + "\n-- cpdb backup complete\n").getBytes(StandardCharsets.UTF_8);
        store.write(id + "/" + DATA, data);
        store.write(id + "/" + BackupManifest.FILE_NAME, JSON.writeValueAsBytes(manifest(id, finished, data)));
    }

    public static BackupManifest manifest(String id, Instant finished, byte[] data) {
        return new BackupManifest(BackupEngine.FORMAT_VERSION, id, "cpdb test",
                BackupId.startedAt(id).orElse(finished), finished,
                new BackupManifest.Source("17.0", 170000, "cpdb"), "none", false,
                new BackupManifest.DataObject(DATA, data.length, sha256(data), data.length),
                List.of("public"), List.of(new TableStats("public", "notes", 1, 10)),
                new BackupManifest.Migrations(List.of("1"), Map.of()));
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
