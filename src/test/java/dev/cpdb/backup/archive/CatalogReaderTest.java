package dev.cpdb.backup.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.retention.FakeBackups;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.backup.store.ForwardingStore;
import dev.cpdb.backup.store.StoredObject;
import dev.cpdb.testing.TestFolders;

/**
 * Reads for the API stay bounded whatever the store holds or does (our design): a page reads only the manifests it
 * shows and only once while they are unchanged, and a store that hangs is given up on after the wait, without a new
 * read per caller.
 */
class CatalogReaderTest {

    private final CatalogReader reader = new CatalogReader();

    @AfterEach
    void stopReader() {
        reader.stop();
    }

    @Test
    void anObjectLargerThanAnyManifestInAManifestsPlaceIsNotShown() throws IOException {
        FilesystemBackupStore folder = new FilesystemBackupStore(TestFolders.create("cpdb-catalog-oversized"));
        String kept = FakeBackups.commit(folder, Instant.parse("2026-03-11T12:00:00Z"));
        String planted = FakeBackups.commit(folder, Instant.parse("2026-03-11T13:00:00Z"));
        byte[] manifest;
        try (InputStream in = folder.read(BackupLayout.manifestKey(planted)).orElseThrow()) {
            manifest = in.readAllBytes();
        }
        // A manifest that would parse, padded with white space past the limit.
        byte[] oversized = java.util.Arrays.copyOf(manifest, BackupCatalog.MAX_MANIFEST_BYTES + 1);
        java.util.Arrays.fill(oversized, manifest.length, oversized.length, (byte) ' ');
        folder.write(BackupLayout.manifestKey(planted), oversized);
        BackupCatalog catalog = new BackupCatalog(folder, FakeBackups.JSON);

        Map<String, BackupManifest> shown = reader.manifests(catalog, reader.committed(catalog));

        assertEquals(List.of(kept), List.copyOf(shown.keySet()), "the oversized object is passed over, unread");
        assertEquals(Optional.empty(), reader.manifest(catalog, planted));
    }

    @Test
    void aPageReadsOnlyItsOwnManifestsAndOnlyUntilTheyAreKept() throws IOException {
        FilesystemBackupStore folder = new FilesystemBackupStore(TestFolders.create("cpdb-catalog-reads"));
        for (int hours = 0; hours < 30; hours++) {
            FakeBackups.commit(folder, Instant.parse("2026-03-11T12:00:00Z").minus(Duration.ofHours(hours)));
        }
        CountingStore store = new CountingStore(folder);
        BackupCatalog catalog = new BackupCatalog(store, FakeBackups.JSON);

        List<BackupCatalog.Committed> listed = reader.committed(catalog);
        List<BackupCatalog.Committed> page = listed.subList(0, 5);
        Map<String, BackupManifest> first = reader.manifests(catalog, page);

        assertEquals(30, listed.size(), "one listing finds every committed backup");
        assertEquals(page.stream().map(BackupCatalog.Committed::id).toList(), List.copyOf(first.keySet()));
        assertEquals(5, store.reads.get(), "the listing reads no manifest, the page reads its own five");

        reader.manifests(catalog, page);
        assertEquals(5, store.reads.get(), "unchanged manifests are not read again");

        String replaced = page.get(2).id();
        FakeBackups.commit(folder, replaced, Instant.parse("2026-03-12T00:00:00Z"));
        List<BackupCatalog.Committed> relisted = reader.committed(catalog).subList(0, 5);
        Map<String, BackupManifest> again = reader.manifests(catalog, relisted);

        assertEquals(6, store.reads.get(), "a manifest the listing shows changed is read again");
        assertEquals(Instant.parse("2026-03-12T00:00:00Z"), again.get(replaced).finishedAt());
    }

    @Test
    void aStoreThatHangsIsGivenUpOnAfterTheWaitAndNotAskedAgainWhileItHangs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger listings = new AtomicInteger();
        BackupStore hanging = new ForwardingStore(new FilesystemBackupStore(TestFolders.create("cpdb-hanging"))) {
            @Override
            public List<StoredObject> list(String prefix) throws IOException {
                listings.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("connection reset");
            }
        };
        BackupCatalog catalog = new BackupCatalog(hanging, FakeBackups.JSON);
        try {
            StoreUnreachableException first = assertThrows(StoreUnreachableException.class,
                    () -> reader.committed(catalog));
            StoreUnreachableException second = assertThrows(StoreUnreachableException.class,
                    () -> reader.committed(catalog));

            assertTrue(first.getMessage().contains("did not answer within"), first.getMessage());
            assertTrue(first.getMessage().contains(hanging.location()), first.getMessage());
            // Told at once, from the listing that already ran past the wait, instead of waiting for it again.
            assertTrue(second.getMessage().contains("has not answered for more than"), second.getMessage());
            assertEquals(1, listings.get(), "callers share the one listing that hangs");
        } finally {
            release.countDown();
        }
        assertTrue(failureOnceReleased(catalog).contains("connection reset"), "the store's own failure is told");
    }

    /** The failure a caller is told once the hanging listing has ended. */
    private String failureOnceReleased(BackupCatalog catalog) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String message = "";
        while (System.nanoTime() < deadline && !message.contains("connection reset")) {
            message = assertThrows(StoreUnreachableException.class, () -> reader.committed(catalog)).getMessage();
            Thread.sleep(20);
        }
        return message;
    }

    /** Counts the manifests read through it. */
    private static final class CountingStore extends ForwardingStore {

        final AtomicInteger reads = new AtomicInteger();

        CountingStore(BackupStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<InputStream> read(String key) throws IOException {
            if (key.endsWith("/" + BackupManifest.FILE_NAME)) {
                reads.incrementAndGet();
            }
            return delegate.read(key);
        }
    }
}
