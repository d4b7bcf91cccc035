package dev.cpdb.backup.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link BackupStore} contract, run against every implementation: the expectations are the interface's own
 * Javadoc, so a store that passes here can hold backups. A new store needs only a subclass that opens an empty one.
 */
public abstract class BackupStoreContract {

    /**
     * More than one part of the S3 stores the tests build (5 MiB), so that an unfinished upload holds bytes in the
     * store whatever the store.
     */
    protected static final int BYTES_THAT_REACH_EVERY_STORE = 6 * 1024 * 1024;

    /** Store and test may read different clocks (S3 times have whole seconds). */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(5);

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
        assertEquals(List.of("b1/data.sql.zst"), StoredKeys.of(store, ""));
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

        List<String> listed = StoredKeys.of(store, "b");
        assertEquals(keys, listed, "more than 1,000 keys are all listed, in order");
        assertEquals(List.of("b0042/manifest.json"), StoredKeys.of(store, "b0042/"));
    }

    @Test
    void deletedObjectsDisappear() throws IOException {
        store.write("b1/manifest.json", new byte[] { 1 });
        store.write("b1/data.sql", new byte[] { 2 });

        store.delete("b1/manifest.json");

        assertEquals(List.of("b1/data.sql"), StoredKeys.of(store, ""));
    }

    @Test
    void aListingTellsEachObjectsSizeAndWhenItWasCommitted() throws IOException {
        Instant before = Instant.now().minus(CLOCK_SLACK);
        store.write("b1/manifest.json", "{\"id\": 1}".getBytes(StandardCharsets.UTF_8));
        try (BackupStore.Upload upload = store.create("b1/data.sql.zst")) {
            upload.stream().write(new byte[70_000]);
            upload.commit();
        }
        Instant after = Instant.now().plus(CLOCK_SLACK);

        List<StoredObject> listed = store.list("b1/");

        assertEquals(List.of("b1/data.sql.zst", "b1/manifest.json"), listed.stream().map(StoredObject::key).toList());
        assertEquals(List.of(70_000L, 9L), listed.stream().map(StoredObject::size).toList());
        for (StoredObject object : listed) {
            assertTrue(!object.lastModified().isBefore(before) && !object.lastModified().isAfter(after),
                    object + " was committed between " + before + " and " + after);
        }
    }

    /**
     * What a writer that died leaves: an upload holding bytes in the store, neither committed nor aborted. It is
     * listed as pending (not as an object) under the key it was meant for, and discarding it leaves nothing.
     */
    @Test
    void anUnfinishedUploadIsPendingUntilDiscarded() throws IOException {
        Instant before = Instant.now().minus(CLOCK_SLACK);
        store.write("b1/manifest.json", new byte[] { 1 });
        BackupStore.Upload crashed = store.create("b2/data.sql.zst");
        crashed.stream().write(new byte[BYTES_THAT_REACH_EVERY_STORE]);
        crashed.stream().flush();

        List<PendingUpload> pending = store.pendingUploads("");

        assertEquals(List.of("b2/data.sql.zst"), pending.stream().map(PendingUpload::key).toList());
        Instant active = pending.get(0).lastActivity().orElseThrow();
        assertTrue(!active.isBefore(before) && !active.isAfter(Instant.now().plus(CLOCK_SLACK)), active.toString());
        assertEquals(List.of(pending.get(0).uploadId()), store.pendingUploads("b2/").stream()
                .map(PendingUpload::uploadId).toList(), "filtered by prefix");
        assertEquals(List.of(), store.pendingUploads("b1/"));
        assertEquals(List.of("b1/manifest.json"), StoredKeys.of(store, ""), "a pending upload is no object");

        store.discard(pending.get(0));
        store.discard(pending.get(0));

        assertEquals(List.of(), store.pendingUploads(""));
        assertFalse(store.exists("b2/data.sql.zst"));
        assertEquals(List.of("b1/manifest.json"), StoredKeys.of(store, ""));
        crashed.abort();
        assertEquals(List.of(), store.pendingUploads(""));
    }

    @Test
    void committedAndAbortedUploadsAreNotPending() throws IOException {
        try (BackupStore.Upload committed = store.create("b1/data.sql")) {
            committed.stream().write(new byte[BYTES_THAT_REACH_EVERY_STORE]);
            committed.commit();
        }
        try (BackupStore.Upload aborted = store.create("b2/data.sql")) {
            aborted.stream().write(new byte[BYTES_THAT_REACH_EVERY_STORE]);
            aborted.abort();
        }

        assertEquals(List.of(), store.pendingUploads(""));
        assertEquals(List.of("b1/data.sql"), StoredKeys.of(store, ""));
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
