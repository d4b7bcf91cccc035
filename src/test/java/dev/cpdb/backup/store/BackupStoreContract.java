package dev.cpdb.backup.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link BackupStore} contract, run against every implementation: the expectations are the interface's own
 * Javadoc, so a store that passes here can hold backups.
 */
public abstract class BackupStoreContract {

    protected BackupStore store;

    /** A new, empty store for each test. */
    protected abstract BackupStore newStore() throws IOException;

    @BeforeEach
    void freshStore() throws IOException {
        store = newStore();
    }

    @Test
    void anUploadIsInvisibleUntilCommitted() throws IOException {
        BackupStore.Upload upload = store.create("b1/data.sql.zst");
        upload.stream().write("partial".getBytes(StandardCharsets.UTF_8));

        assertFalse(store.exists("b1/data.sql.zst"));
        assertTrue(store.read("b1/data.sql.zst").isEmpty());
        assertEquals(List.of(), store.list(""));

        upload.commit();

        assertTrue(store.exists("b1/data.sql.zst"));
        assertEquals("partial", read("b1/data.sql.zst"));
        assertEquals(List.of("b1/data.sql.zst"), store.list(""));
    }

    @Test
    void aPinReadsTheObjectItPinnedAgainOrFailsOnceTheKeyIsReplaced() throws IOException {
        store.write("b1/data.sql", "checked".getBytes(StandardCharsets.UTF_8));
        try (BackupStore.Pinned pinned = store.pin("b1/data.sql").orElseThrow()) {
            assertEquals("checked", readAll(pinned.open()));
            assertEquals("checked", readAll(pinned.open()));

            store.write("b1/data.sql", "replaced".getBytes(StandardCharsets.UTF_8));

            // A folder keeps reading the file it opened; S3 refuses the changed ETag. Never the new bytes.
            try {
                assertEquals("checked", readAll(pinned.open()));
            } catch (IOException refused) {
                assertTrue(refused.getMessage().contains("replaced"), refused.getMessage());
            }
        }
        assertTrue(store.pin("b1/missing").isEmpty());
    }

    private static String readAll(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anAbortedUploadLeavesNothing() throws IOException {
        try (BackupStore.Upload upload = store.create("b1/data.sql")) {
            upload.stream().write(new byte[100_000]);
            upload.abort();
        }

        assertFalse(store.exists("b1/data.sql"));
        assertEquals(List.of(), store.list(""));
    }

    @Test
    void closingWithoutCommitAborts() throws IOException {
        try (BackupStore.Upload upload = store.create("b1/data.sql")) {
            upload.stream().write(1);
        }

        assertEquals(List.of(), store.list(""));
    }

    @Test
    void largeObjectsStreamInAndOutUnchanged() throws IOException {
        byte[] content = new byte[12 * 1024 * 1024 + 17];
        new Random(42).nextBytes(content);
        try (BackupStore.Upload upload = store.create("big/data")) {
            for (int offset = 0; offset < content.length; offset += 65_000) {
                upload.stream().write(content, offset, Math.min(65_000, content.length - offset));
            }
            upload.commit();
        }

        try (InputStream in = store.read("big/data").orElseThrow()) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(Optional.of((long) content.length), store.size("big/data"));
    }

    @Test
    void writingAnExistingKeyReplacesItWhole() throws IOException {
        store.write("b1/manifest.json", "old".getBytes(StandardCharsets.UTF_8));
        store.write("b1/manifest.json", "new and longer".getBytes(StandardCharsets.UTF_8));

        assertEquals("new and longer", read("b1/manifest.json"));
    }

    @Test
    void missingKeysReadEmptyAndDeleteQuietly() throws IOException {
        assertTrue(store.read("nothing/here").isEmpty());
        assertTrue(store.size("nothing/here").isEmpty());
        store.delete("nothing/here");
    }

    @Test
    void listingIsSortedFilteredByPrefixAndComplete() throws IOException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1_050; i++) {
            keys.add(String.format("b%04d/manifest.json", i));
        }
        for (String key : keys) {
            store.write(key, new byte[] { 1 });
        }
        store.write("other/x", new byte[] { 1 });

        List<String> listed = store.list("b");
        assertEquals(keys, listed, "more than 1,000 keys are all listed, in order");
        assertEquals(List.of("b0042/manifest.json"), store.list("b0042/"));
    }

    @Test
    void deletedObjectsDisappear() throws IOException {
        store.write("b1/manifest.json", new byte[] { 1 });
        store.write("b1/data.sql", new byte[] { 2 });

        store.delete("b1/manifest.json");

        assertEquals(List.of("b1/data.sql"), store.list(""));
    }

    @Test
    void keysThatCouldEscapeAreRefused() {
        for (String key : List.of("../x", "a/../../x", "/abs", "a//b", "a/", "", "a\\b", "./a")) {
            assertThrows(IllegalArgumentException.class, () -> store.create(key), key);
            assertThrows(IllegalArgumentException.class, () -> store.read(key), key);
        }
    }

    private String read(String key) throws IOException {
        try (InputStream in = store.read(key).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
