package dev.cpdb.backup.archive;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.store.StoredObject;

/**
 * Reads catalogs for requests that must answer in time, whatever the store does. A store that does not answer is
 * waited for at most {@link #WAIT} (the S3 client alone retries for minutes); the same read asked for again while it
 * runs is shared instead of repeated, and once it has run longer than the wait later callers are told at once, so an
 * outage costs neither threads per request nor a slow answer to every request. Manifests of listed backups are kept
 * while the listing shows them unchanged (same size and time), so a page reads only the manifests it has not seen.
 */
@ApplicationScoped
public class CatalogReader {

    /** How long a request waits for the store. */
    public static final Duration WAIT = Duration.ofSeconds(5);

    /** Manifests kept, a few pages' worth; a manifest with many tables is some kilobytes. */
    static final int CACHED_MANIFESTS = 500;

    private static final Logger LOG = Logger.getLogger(CatalogReader.class);

    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "cpdb-catalog-read");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Running<?>> running = new ConcurrentHashMap<>();
    private final Map<String, Kept> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
            return size() > CACHED_MANIFESTS;
        }
    };

    /** A read in progress and when it started. */
    private record Running<T>(CompletableFuture<T> result, long startedNanos) {
    }

    /** A manifest as read, with the listing entry it was read for. */
    private record Kept(StoredObject object, BackupManifest manifest) {
    }

    /** A store read that may fail. */
    @FunctionalInterface
    private interface Read<T> {
        T run() throws IOException;
    }

    /** Every committed backup in the catalog's store, newest first: one listing, no manifest read. */
    public List<BackupCatalog.Committed> committed(BackupCatalog catalog) throws StoreUnreachableException {
        return await(catalog, "listing", catalog::committed);
    }

    /**
     * The manifest of backup {@code id}, read now; empty when there is none or it does not parse (a damaged or forged
     * manifest is no backup to show; the log says which).
     */
    public Optional<BackupManifest> manifest(BackupCatalog catalog, String id) throws StoreUnreachableException {
        return await(catalog, "manifest " + id, () -> readable(catalog, id));
    }

    /**
     * The manifests of listed backups, read in parallel where not kept from an earlier read, by id; a backup whose
     * manifest is gone since the listing, or does not parse, has none.
     */
    public Map<String, BackupManifest> manifests(BackupCatalog catalog, List<BackupCatalog.Committed> backups)
            throws StoreUnreachableException {
        Map<String, BackupManifest> manifests = new LinkedHashMap<>();
        List<BackupCatalog.Committed> missing = new ArrayList<>();
        for (BackupCatalog.Committed backup : backups) {
            Optional<BackupManifest> known = known(catalog, backup);
            if (known.isPresent()) {
                manifests.put(backup.id(), known.get());
            } else {
                missing.add(backup);
            }
        }
        Map<String, CompletableFuture<Optional<BackupManifest>>> reads = new LinkedHashMap<>();
        for (BackupCatalog.Committed backup : missing) {
            reads.put(backup.id(), start(catalog, "manifest " + backup.id(), () -> readable(catalog, backup.id())));
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (BackupCatalog.Committed backup : missing) {
            Optional<BackupManifest> manifest = awaitUntil(catalog, "manifest " + backup.id(),
                    reads.get(backup.id()), deadline);
            manifest.ifPresent(read -> {
                keep(catalog, backup, read);
                manifests.put(backup.id(), read);
            });
        }
        return manifests;
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }

    private Optional<BackupManifest> readable(BackupCatalog catalog, String id) throws IOException {
        try {
            return catalog.manifest(id);
        } catch (JsonProcessingException e) {
            LOG.warnf("the manifest of backup %s in %s does not parse; it is not shown: %s", id, catalog.location(),
                    e.getOriginalMessage());
            return Optional.empty();
        }
    }

    private Optional<BackupManifest> known(BackupCatalog catalog, BackupCatalog.Committed backup) {
        synchronized (kept) {
            Kept entry = kept.get(catalog.location() + " " + backup.id());
            return entry != null && entry.object().equals(backup.manifest()) ? Optional.of(entry.manifest())
                    : Optional.empty();
        }
    }

    private void keep(BackupCatalog catalog, BackupCatalog.Committed backup, BackupManifest manifest) {
        synchronized (kept) {
            kept.put(catalog.location() + " " + backup.id(), new Kept(backup.manifest(), manifest));
        }
    }

    private <T> T await(BackupCatalog catalog, String what, Read<T> read) throws StoreUnreachableException {
        return awaitUntil(catalog, what, start(catalog, what, read), System.nanoTime() + WAIT.toNanos());
    }

    /** The read of {@code what} in {@code catalog}'s store: the one running, or a new one. */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> start(BackupCatalog catalog, String what, Read<T> read) {
        String key = catalog.location() + " " + what;
        Running<?> started = running.computeIfAbsent(key, ignored -> {
            CompletableFuture<T> result = new CompletableFuture<>();
            threads.execute(() -> {
                try {
                    result.complete(read.run());
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                } finally {
                    running.remove(key);
                }
            });
            return new Running<T>(result, System.nanoTime());
        });
        long late = System.nanoTime() - started.startedNanos() - WAIT.toNanos();
        if (late > 0 && !started.result().isDone()) {
            return CompletableFuture.failedFuture(new TimeoutException());
        }
        return (CompletableFuture<T>) started.result();
    }

    private static <T> T awaitUntil(BackupCatalog catalog, String what, CompletableFuture<T> result, long deadline)
            throws StoreUnreachableException {
        try {
            return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw unreachable(catalog, what, "it did not answer within " + WAIT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof TimeoutException
                    ? "it has not answered for more than " + WAIT.toSeconds() + " s"
                    : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            throw unreachable(catalog, what, reason, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(catalog, what, "the request was interrupted", e);
        }
    }

    private static StoreUnreachableException unreachable(BackupCatalog catalog, String what, String reason,
            Throwable cause) {
        return new StoreUnreachableException("the backup store " + catalog.location() + " cannot be read ("
                + what + "): " + reason, cause);
    }
}
