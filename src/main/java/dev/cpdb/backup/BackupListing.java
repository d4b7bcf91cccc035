package dev.cpdb.backup;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.backup.archive.BackupCatalog;
import dev.cpdb.backup.archive.CatalogReader;
import dev.cpdb.backup.archive.StoreUnreachableException;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.database.Database;

/**
 * The backups there are, as each reader needs them. The operator API sees what the run table ({@code backup_runs})
 * knows, joined with a bounded read of the configured store (one listing and the manifests of one page, see
 * {@link CatalogReader}). Backups that are in the store without a run (taken by another instance or an older command)
 * are shown too. When the store cannot be read, the answers come from the run table alone and say so in
 * {@link StoreState}. The {@code backups list} command sees a store's committed backups, and the drill schedule the
 * one backup it may trust ({@link #drillCandidate}).
 *
 * <p>
 * Blocking: direct-path JDBC and store reads on the calling (worker) thread.
 */
@ApplicationScoped
public class BackupListing {

    private static final Logger LOG = Logger.getLogger(BackupListing.class);

    private final Database database;
    private final BackupOptions options;
    private final BackupSigning signing;
    private final CatalogReader reader;
    private final ObjectMapper json;
    private final Clock clock;

    public BackupListing(Database database, BackupOptions options, BackupSigning signing, CatalogReader reader,
            ObjectMapper json) {
        this.database = database;
        this.options = options;
        this.signing = signing;
        this.reader = reader;
        this.json = BackupManifest.reader(json);
        this.clock = Clock.systemUTC();
    }

    /** A backup as listed: committed (with its manifest's numbers) or from its run. */
    public record BackupSummary(String backupId, String status, String phase, String startedAt, String finishedAt,
            Long bytes, String compression, Integer tables, Long rows, String statusUrl) {
    }

    /**
     * Whether the store answered; when it did not, {@code error} says why and what the answer is missing.
     *
     * @param location the configured target, e.g. {@code s3://bucket/prefix}
     */
    public record StoreState(String location, boolean reachable, String error) {

        static StoreState answered(BackupCatalog catalog) {
            return new StoreState(catalog.location(), true, null);
        }

        static StoreState unanswered(BackupCatalog catalog, StoreUnreachableException e) {
            return new StoreState(catalog.location(), false, e.getMessage());
        }
    }

    /** One page of backups, newest first; {@code next} is the cursor of the following page. */
    public record BackupPage(List<BackupSummary> items, String next, StoreState store) {
    }

    /** One backup: its run, its manifest and its last restore drill, where they exist. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BackupDetail(String backupId, String status, BackupRun run, BackupManifest manifest,
            BackupRun lastVerify, StoreState store) {
    }

    /** The configured store's backups. */
    public BackupCatalog catalog() {
        return new BackupCatalog(options.defaultStore(), json);
    }

    /** Committed backups in {@code store}, newest first: one listing and every manifest, read without time limit. */
    public List<BackupManifest> committed(BackupStore store) {
        try {
            return new BackupCatalog(store, json).manifests();
        } catch (IOException e) {
            throw new BackupFailedException("cannot list backups in " + store.location() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The backup a scheduled drill restores. Ids in the store can be forged by whoever writes to it (a future-dated id
     * would be "newest" forever), so it is the newest committed backup recorded as taken in {@code backup_runs}, which
     * the store cannot write; failing that (backups taken by the command alone on a database without runs), the
     * newest one whose id is not in the future and, while a signing key is configured, whose signature verifies.
     */
    public Optional<BackupManifest> drillCandidate(BackupStore store) {
        List<BackupManifest> committed = committed(store);
        List<String> recorded;
        try (Connection connection = database.direct().open()) {
            recorded = BackupRunRepository.succeededBackupIds(connection, 100);
        } catch (SQLException e) {
            throw new BackupFailedException("cannot read the backup runs: " + e.getMessage(), e);
        }
        Optional<BackupManifest> taken = committed.stream().filter(m -> recorded.contains(m.backupId())).findFirst();
        if (taken.isPresent()) {
            return taken;
        }
        Instant latest = clock.instant().plus(Duration.ofMinutes(5));
        return committed.stream()
                .filter(m -> BackupId.startedAt(m.backupId()).map(at -> !at.isAfter(latest)).orElse(false))
                .filter(this::signatureHolds)
                .findFirst();
    }

    private boolean signatureHolds(BackupManifest manifest) {
        try {
            signing.check(manifest.backupId(), manifest, json, false);
            return true;
        } catch (BackupFailedException e) {
            LOG.warnf("backup %s is not drilled on schedule: %s", manifest.backupId(), e.getMessage());
            return false;
        }
    }

    /**
     * Committed and running backups with an id before {@code before} (all when null), newest first. Without the
     * store, the backups whose runs succeeded stand in for the committed ones ({@code status} is then the run's).
     */
    public BackupPage page(String before, int limit) {
        BackupCatalog catalog = catalog();
        List<BackupCatalog.Committed> committed;
        StoreState store;
        try {
            committed = reader.committed(catalog).stream()
                    .filter(backup -> before == null || backup.id().compareTo(before) < 0)
                    .limit(limit + 1L)
                    .toList();
            store = StoreState.answered(catalog);
        } catch (StoreUnreachableException e) {
            committed = List.of();
            store = StoreState.unanswered(catalog, e);
        }
        List<BackupRun> runs = runsBefore(store.reachable() ? List.of("running") : List.of("running", "succeeded"),
                before, limit + 1);

        Map<String, BackupCatalog.Committed> committedById = new HashMap<>();
        committed.forEach(backup -> committedById.put(backup.id(), backup));
        Map<String, BackupRun> runsById = new HashMap<>();
        runs.forEach(run -> runsById.put(run.id(), run));
        TreeSet<String> ids = new TreeSet<>(Comparator.reverseOrder());
        ids.addAll(committedById.keySet());
        ids.addAll(runsById.keySet());
        List<String> page = ids.stream().limit(limit).toList();
        String next = ids.size() > limit ? page.get(limit - 1) : null;

        Map<String, BackupManifest> manifests = Map.of();
        if (store.reachable()) {
            try {
                manifests = reader.manifests(catalog, page.stream()
                        .filter(id -> !runsById.containsKey(id))
                        .map(committedById::get)
                        .toList());
            } catch (StoreUnreachableException e) {
                store = StoreState.unanswered(catalog, e);
            }
        }
        List<BackupSummary> items = new ArrayList<>();
        for (String id : page) {
            // A running backup whose manifest is written already is still running until its run ends.
            if (runsById.containsKey(id)) {
                items.add(summary(runsById.get(id)));
            } else {
                summary(id, manifests.get(id), store).ifPresent(items::add);
            }
        }
        return new BackupPage(items, next, store);
    }

    /**
     * Backup {@code id} as its run and the store know it; empty when neither knows it.
     *
     * @throws StoreUnreachableException when the store cannot be read and no run knows the backup either, so that
     *         nothing can be said about it
     */
    public Optional<BackupDetail> detail(String id) throws StoreUnreachableException {
        Optional<BackupRun> run = run(id);
        BackupRun lastVerify = lastVerify(id).orElse(null);
        BackupCatalog catalog = catalog();
        try {
            Optional<BackupManifest> manifest = reader.manifest(catalog, id);
            if (run.isEmpty() && manifest.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new BackupDetail(id, manifest.isPresent() ? "committed" : run.get().status(),
                    run.orElse(null), manifest.orElse(null), lastVerify, StoreState.answered(catalog)));
        } catch (StoreUnreachableException e) {
            if (run.isEmpty()) {
                throw e;
            }
            return Optional.of(new BackupDetail(id, run.get().status(), run.get(), null, lastVerify,
                    StoreState.unanswered(catalog, e)));
        }
    }

    /** The manifest of committed backup {@code id}, read with a bounded wait; empty when it is not committed. */
    public Optional<BackupManifest> manifest(String id) throws StoreUnreachableException {
        return reader.manifest(catalog(), id);
    }

    /** Opens a committed backup's data object; empty when it is missing. The caller closes the stream. */
    public Optional<InputStream> content(String id, BackupManifest manifest) throws StoreUnreachableException {
        BackupCatalog catalog = catalog();
        try {
            return catalog.readData(id, manifest);
        } catch (IOException e) {
            throw new StoreUnreachableException("the backup store " + catalog.location() + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    /** Deletes a committed backup, manifest first; a data object that stays is logged (retention removes it). */
    public void delete(String id, BackupManifest manifest) throws StoreUnreachableException {
        BackupCatalog catalog = catalog();
        try {
            catalog.delete(id, manifest).ifPresent(problem -> LOG.warnf("backup %s is deleted but its data object "
                    + "stays in %s: %s; retention removes it as a leftover", id, catalog.location(), problem));
        } catch (IOException e) {
            throw new StoreUnreachableException("backup " + id + " was not deleted: its manifest in "
                    + catalog.location() + " could not be deleted: " + e.getMessage(), e);
        }
    }

    /** The run of backup {@code id}, if this database recorded one. */
    public Optional<BackupRun> run(String id) {
        try (Connection connection = database.direct().open()) {
            return BackupRunRepository.find(connection, id);
        } catch (SQLException e) {
            throw new BackupFailedException("cannot read the backup runs: " + e.getMessage(), e);
        }
    }

    private List<BackupRun> runsBefore(List<String> statuses, String before, int limit) {
        try (Connection connection = database.direct().open()) {
            return BackupRunRepository.backupsBefore(connection, statuses, before, limit);
        } catch (SQLException e) {
            throw new BackupFailedException("cannot read the backup runs: " + e.getMessage(), e);
        }
    }

    private Optional<BackupRun> lastVerify(String id) {
        try (Connection connection = database.direct().open()) {
            return BackupRunRepository.latestVerify(connection, id);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static BackupSummary summary(BackupRun run) {
        return new BackupSummary(run.id(), run.status(), run.phase(), String.valueOf(run.startedAt()),
                run.finishedAt() == null ? null : run.finishedAt().toString(), run.bytes(), null, null, run.rows(),
                statusUrl(run.id()));
    }

    /**
     * A committed backup with its manifest's numbers. Without a manifest: gone since the listing (not shown), or
     * not read because the store stopped answering (shown with its id alone).
     */
    private static Optional<BackupSummary> summary(String id, BackupManifest manifest, StoreState store) {
        if (manifest == null) {
            return store.reachable() ? Optional.empty()
                    : Optional.of(new BackupSummary(id, "committed", null, null, null, null, null, null, null,
                            statusUrl(id)));
        }
        return Optional.of(new BackupSummary(id, "committed", null, manifest.startedAt().toString(),
                manifest.finishedAt().toString(), manifest.data().bytes(), manifest.compression(),
                manifest.tables().size(), manifest.totalRows(), statusUrl(id)));
    }

    private static String statusUrl(String id) {
        return "/api/db/backups/" + id;
    }
}
