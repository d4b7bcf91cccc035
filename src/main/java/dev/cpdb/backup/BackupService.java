package dev.cpdb.backup;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.InstanceDirectory;
import dev.cpdb.backup.archive.BackupCatalog;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.S3BackupStores;
import dev.cpdb.database.Database;
import dev.cpdb.database.DirectConnections;

/**
 * The backups of a store as commands and the drill schedule see them (committed manifests, the backup a drill
 * picks, the JSON a command prints), and one handle on the jobs below it for commands and tests: the
 * {@link BackupOptions} checked at start-up, the {@link BackupPipeline} that takes a backup and the
 * {@link RestoreService} that restores one.
 *
 * <p>
 * Uses the direct path only and never runs migrations. Blocking by design: call from commands or worker threads.
 */
@ApplicationScoped
public class BackupService {

    private static final Logger LOG = Logger.getLogger(BackupService.class);

    private final Database database;
    private final BackupOptions options;
    private final BackupPipeline pipeline;
    private final RestoreService restores;
    private final BackupSigning signing;
    private final ObjectMapper json;
    private final Clock clock;

    @Inject
    public BackupService(Database database, BackupOptions options, BackupPipeline pipeline, RestoreService restores,
            BackupSigning signing, ObjectMapper json) {
        this.database = database;
        this.options = options;
        this.pipeline = pipeline;
        this.restores = restores;
        this.signing = signing;
        this.json = BackupManifest.writer(json);
        this.clock = Clock.systemUTC();
    }

    /** A service that signs with the keys of {@code config} (none on the embedded default without an instance). */
    public BackupService(Database database, BackupConfig config, InstanceDirectory instance, ObjectMapper json,
            S3BackupStores s3) {
        this(database, config, instance, json, s3, new BackupSigning(config, instance, database));
    }

    /** A service that signs with {@code signing}. */
    public BackupService(Database database, BackupConfig config, InstanceDirectory instance, ObjectMapper json,
            S3BackupStores s3, BackupSigning signing) {
        this(database, new BackupOptions(config, instance, s3, signing), config, signing, json);
    }

    private BackupService(Database database, BackupOptions options, BackupConfig config, BackupSigning signing,
            ObjectMapper json) {
        this(database, options, new BackupPipeline(database, config, options, signing, json),
                new RestoreService(options, signing, json), signing, json);
    }

    /** The settings backups are taken with. */
    public BackupOptions options() {
        return options;
    }

    /** @see BackupOptions#defaultStore() */
    public BackupStore defaultStore() {
        return options.defaultStore();
    }

    /** @see BackupOptions#store(String) */
    public BackupStore store(String target) {
        return options.store(target);
    }

    /** @see BackupOptions#request(BackupStore) */
    public BackupRequest request(BackupStore store) {
        return options.request(store);
    }

    /** @see BackupPipeline#backup(String, BackupRequest, BackupPipeline.Progress) */
    public BackupManifest backup(String id, BackupRequest request, BackupPipeline.Progress progress) {
        return pipeline.backup(id, request, progress);
    }

    /** @see RestoreService#locate(BackupStore, String) */
    public RestoreService.Located locate(BackupStore store, String reference) {
        return restores.locate(store, reference);
    }

    /** @see RestoreService#restore(RestoreService.Located, DirectConnections, boolean) */
    public RestoreOutcome restore(RestoreService.Located backup, DirectConnections target, boolean clean) {
        return restores.restore(backup, target, clean);
    }

    /** @see RestoreService#restore(RestoreService.Located, DirectConnections, boolean, boolean) */
    public RestoreOutcome restore(RestoreService.Located backup, DirectConnections target, boolean clean,
            boolean allowUnsigned) {
        return restores.restore(backup, target, clean, allowUnsigned);
    }

    /** The backups in {@code store}, reading and writing manifests as this service does. */
    public BackupCatalog catalog(BackupStore store) {
        return new BackupCatalog(store, json);
    }

    /** Committed backups in a store, newest first. */
    public List<BackupManifest> list(BackupStore store) {
        try {
            return catalog(store).manifests();
        } catch (IOException e) {
            throw new BackupFailedException("cannot list backups in " + store.location() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The backup a scheduled drill restores. Ids in the store can be forged by whoever writes to it (a future-dated id
     * would be "newest" forever), so it is the newest committed backup that this service recorded as taken in
     * {@code backup_runs}, which the store cannot write; failing that (backups taken by the command only), the newest
     * one whose id is not in the future and, while a signing key is configured, whose signature verifies.
     */
    public Optional<BackupManifest> drillCandidate(BackupStore store) {
        List<BackupManifest> committed = list(store);
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

    /** The manifest of a committed backup, empty when there is none. */
    public Optional<BackupManifest> manifest(BackupStore store, String id) {
        return restores.manifest(store, id);
    }

    /** Renders a manifest as indented JSON. */
    public String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
