package dev.cpdb.backup.retention;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.backup.BackupConfig;
import dev.cpdb.backup.BackupEncryption;
import dev.cpdb.backup.BackupFailedException;
import dev.cpdb.backup.BackupId;
import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.retention.PruneReport.Action;
import dev.cpdb.backup.retention.PruneReport.BackupOutcome;
import dev.cpdb.backup.retention.PruneReport.LeftAlone;
import dev.cpdb.backup.retention.PruneReport.Leftover;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.backup.store.S3BackupStore;
import io.quarkus.runtime.StartupEvent;

/**
 * Applies the {@link RetentionPolicy} to a backup store: deletes the committed backups the policy does not keep and
 * the leftovers of backups that died, and touches nothing it cannot prove is one of those.
 *
 * <p>
 * What prune treats as its own: a folder whose name is a {@linkplain BackupId#isValid valid backup id} holding a
 * manifest that parses, names that folder's id, has a finish time and a format this version knows; the backup's
 * objects are that manifest and the data object it names. A leftover is a data object ({@code data.sql},
 * {@code data.sql.gz}, {@code data.sql.zst}) in a backup folder without a manifest, or for the folder store a
 * temporary file of an upload inside a backup folder. A leftover is removed only once it is older than the leftover
 * age, which is never shorter than the backup deadline, so an upload of a running backup is never touched; its age
 * counts from the start time in its backup id (and for a temporary file from its last write when that is later).
 * Everything else is reported and left alone.
 *
 * <p>
 * A backup is deleted manifest first, then its data object: a prune that stops half-way leaves at worst a data object
 * without a manifest, which is not a backup and which a later prune removes as a leftover.
 *
 * <p>
 * Blocking by design (store I/O): call from commands or worker threads.
 */
@ApplicationScoped
public class BackupRetention {

    private static final Logger LOG = Logger.getLogger(BackupRetention.class);

    static final String DATA_WITHOUT_MANIFEST = "data object without manifest";
    static final String TEMPORARY_FILE = "temporary file";
    static final String ABANDONED_UPLOAD = "abandoned multipart upload";

    private volatile RetentionPolicy policy;
    private final Duration leftoverAge;
    private volatile boolean enabled;
    private final Clock clock;
    private final ObjectMapper json;

    /** The service as configured; refuses invalid settings naming the variable. */
    @Inject
    public BackupRetention(RetentionConfig config, BackupConfig backups, ObjectMapper json) {
        this(policy(config), leftoverAge(config, backups.deadline()), config.enabled(), Clock.systemUTC(), json);
    }

    /**
     * A service with explicit settings.
     *
     * @param leftoverAge uncommitted objects older than this are removed; must not be shorter than the longest a
     *        backup can run
     * @param enabled whether {@link #afterBackup} prunes
     * @param json reads manifests, as configured for the service
     */
    public BackupRetention(RetentionPolicy policy, Duration leftoverAge, boolean enabled, Clock clock,
            ObjectMapper json) {
        this.policy = policy;
        this.leftoverAge = leftoverAge;
        this.enabled = enabled;
        this.clock = clock;
        this.json = BackupManifest.reader(json);
    }

    /** Applies changed instance settings from the next backup or prune on. */
    public synchronized void update(RetentionPolicy newPolicy, boolean newEnabled) {
        if (newPolicy.equals(policy) && newEnabled == enabled) {
            return;
        }
        this.policy = newPolicy;
        this.enabled = newEnabled;
        LOG.infof("backup retention now: %s%s", newPolicy.describe(), newEnabled ? "" : "; not applied after backups");
    }

    /** Creating the bean checks the settings, so invalid ones stop start-up before anything else starts. */
    void checkSettings(@Observes @Priority(10) StartupEvent event) {
        LOG.debugf("backup retention: %s; leftovers older than %s are removed%s", policy.describe(), leftoverAge,
                enabled ? "" : "; not applied after backups");
    }

    /**
     * The policy described by {@code config}.
     *
     * @throws InvalidConfigurationException naming the variable of a negative number
     */
    public static RetentionPolicy policy(RetentionConfig config) {
        return new RetentionPolicy(notNegative("DAYS", "days", config.days()),
                notNegative("WEEKS", "weeks", config.weeks()),
                notNegative("MONTHS", "months", config.months()),
                notNegative("MIN_COUNT", "min-count", config.minCount()));
    }

    /**
     * The leftover age described by {@code config}: its setting, or the backup deadline.
     *
     * @throws InvalidConfigurationException when it is shorter than the deadline
     */
    public static Duration leftoverAge(RetentionConfig config, Duration deadline) {
        Duration age = config.leftoverAge().orElse(deadline);
        if (age.compareTo(deadline) < 0) {
            throw new InvalidConfigurationException("CPDB_BACKUP_RETENTION_LEFTOVER_AGE "
                    + "(cpdb.backup.retention.leftover-age) is " + age + ", shorter than CPDB_BACKUP_DEADLINE ("
                    + deadline + "): the upload of a running backup could be removed; set it to at least the "
                    + "deadline, or leave it unset to use the deadline");
        }
        return age;
    }

    private static int notNegative(String variable, String property, int value) {
        if (value < 0) {
            throw new InvalidConfigurationException("CPDB_BACKUP_RETENTION_" + variable + " (cpdb.backup.retention."
                    + property + ") is " + value + "; it must be 0 or more (0 turns the rule off)");
        }
        return value;
    }

    /** The policy this service applies. */
    public RetentionPolicy policy() {
        return policy;
    }

    /** Whether {@link #afterBackup} prunes ({@code CPDB_BACKUP_RETENTION_ENABLED}). */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Prunes {@code store} after a successful backup, when retention is enabled. For the backup runner: it never
     * throws, because the backup it follows has succeeded whatever happens here; failures are logged.
     *
     * @return the report, or empty when retention is disabled or the store could not be listed
     */
    public Optional<PruneReport> afterBackup(BackupStore store) {
        if (!enabled) {
            return Optional.empty();
        }
        try {
            return Optional.of(prune(store, false));
        } catch (RuntimeException e) {
            LOG.warnf("retention was not applied to %s: %s", store.location(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Applies the policy to every committed backup in {@code store}, deletes the backups it does not keep (manifest
     * first, then data object) and removes leftovers older than the leftover age.
     *
     * @param dryRun decide and report, but delete nothing
     * @return what was kept, deleted and left alone; a failure to delete one object is an entry in
     *         {@link PruneReport#errors()}, and prune goes on with the others
     * @throws BackupFailedException when the store cannot be listed (then nothing was deleted)
     */
    public PruneReport prune(BackupStore store, boolean dryRun) {
        Instant now = clock.instant();
        Instant leftoverCutoff = now.minus(leftoverAge);
        List<String> keys;
        try {
            keys = store.list("");
        } catch (IOException e) {
            throw new BackupFailedException("cannot list backups in " + store.location() + ": " + e.getMessage(), e);
        }
        Map<String, List<String>> folders = new TreeMap<>();
        int foreign = 0;
        for (String key : keys) {
            int slash = key.indexOf('/');
            if (slash < 0 || !BackupId.isValid(key.substring(0, slash))) {
                foreign++;
                continue;
            }
            folders.computeIfAbsent(key.substring(0, slash), id -> new ArrayList<>()).add(key.substring(slash + 1));
        }

        Run run = new Run(store, dryRun, leftoverCutoff);
        Map<String, String> dataKeys = new TreeMap<>();
        List<RetentionPolicy.Backup> committed = new ArrayList<>();
        for (Map.Entry<String, List<String>> folder : folders.entrySet()) {
            String id = folder.getKey();
            List<String> names = folder.getValue();
            if (names.contains(BackupManifest.FILE_NAME)) {
                Optional<BackupManifest> manifest = run.ownManifest(id);
                if (manifest.isEmpty()) {
                    continue;
                }
                committed.add(new RetentionPolicy.Backup(id, manifest.get().finishedAt()));
                dataKeys.put(id, id + "/" + manifest.get().data().key());
                for (String name : names) {
                    if (!name.equals(BackupManifest.FILE_NAME) && !name.equals(manifest.get().data().key())) {
                        run.leaveAlone(id + "/" + name, "not named by backup " + id + "'s manifest");
                    }
                }
            } else {
                for (String name : names) {
                    run.uncommittedObject(id, name);
                }
            }
        }

        List<RetentionPolicy.Decision> decisions = policy.apply(committed, now);
        BackupOutcome[] outcomes = new BackupOutcome[decisions.size()];
        // Oldest first, so a prune that stops early has removed the oldest backups.
        for (int i = decisions.size() - 1; i >= 0; i--) {
            RetentionPolicy.Decision decision = decisions.get(i);
            String id = decision.backup().id();
            Action action = decision.keep() ? Action.KEPT : run.deleteBackup(id, dataKeys.get(id), decision);
            outcomes[i] = new BackupOutcome(id, decision.backup().finishedAt(), action, decision.reasons());
        }
        if (store instanceof FilesystemBackupStore folder) {
            run.temporaryFiles(folder);
        }
        if (store instanceof S3BackupStore bucket) {
            run.abandonedUploads(bucket);
        }
        PruneReport report = new PruneReport(store.location(), now, dryRun, policy, leftoverAge,
                List.of(outcomes), List.copyOf(run.leftovers), List.copyOf(run.leftAlone), foreign,
                List.copyOf(run.errors));
        LOG.infof("retention %sof %s: %d backups kept, %d %s, %d leftovers %s, %d errors", dryRun ? "(dry run) " : "",
                store.location(), report.kept().size(), report.deleted().size(),
                dryRun ? "would be deleted" : "deleted", report.leftoversRemoved().size(),
                dryRun ? "would be removed" : "removed", report.errors().size());
        return report;
    }

    /** The state of one prune. */
    private final class Run {

        final BackupStore store;
        final boolean dryRun;
        final Instant leftoverCutoff;
        final List<Leftover> leftovers = new ArrayList<>();
        final List<LeftAlone> leftAlone = new ArrayList<>();
        final List<String> errors = new ArrayList<>();

        Run(BackupStore store, boolean dryRun, Instant leftoverCutoff) {
            this.store = store;
            this.dryRun = dryRun;
            this.leftoverCutoff = leftoverCutoff;
        }

        void leaveAlone(String key, String reason) {
            leftAlone.add(new LeftAlone(key, reason));
        }

        /** The manifest of backup {@code id} when it proves the backup is one prune may delete. */
        Optional<BackupManifest> ownManifest(String id) {
            String key = id + "/" + BackupManifest.FILE_NAME;
            BackupManifest manifest;
            try {
                Optional<InputStream> in = store.read(key);
                if (in.isEmpty()) {
                    // Deleted since the listing: not a committed backup any more.
                    return Optional.empty();
                }
                try (InputStream stream = in.get()) {
                    manifest = json.readValue(stream, BackupManifest.class);
                }
            } catch (IOException | RuntimeException e) {
                leaveAlone(key, "the manifest cannot be read: " + oneLine(e.getMessage()));
                return Optional.empty();
            }
            String problem = null;
            if (manifest == null || !id.equals(manifest.backupId())) {
                problem = "the manifest names backup " + (manifest == null ? null : manifest.backupId())
                        + ", not its folder's";
            } else if (manifest.formatVersion() > BackupEngine.FORMAT_VERSION) {
                problem = "format version " + manifest.formatVersion() + " is newer than this cpdb's ("
                        + BackupEngine.FORMAT_VERSION + "); prune with the cpdb that wrote it";
            } else if (manifest.finishedAt() == null) {
                problem = "the manifest has no finish time";
            } else if (manifest.data() == null || !isSingleName(manifest.data().key())) {
                problem = "the manifest names no data object in its folder";
            }
            if (problem != null) {
                leaveAlone(key, problem);
                return Optional.empty();
            }
            return Optional.of(manifest);
        }

        /** Deletes a backup the policy does not keep: manifest first, then the data object. */
        Action deleteBackup(String id, String dataKey, RetentionPolicy.Decision decision) {
            if (dryRun) {
                return Action.WOULD_DELETE;
            }
            try {
                store.delete(id + "/" + BackupManifest.FILE_NAME);
            } catch (IOException | RuntimeException e) {
                errors.add("backup " + id + " was not deleted: its manifest could not be deleted: "
                        + oneLine(e.getMessage()));
                return Action.FAILED;
            }
            LOG.infof("backup %s deleted by retention (finished %s, %s)", id, decision.backup().finishedAt(),
                    decision.explanation());
            try {
                store.delete(dataKey);
            } catch (IOException | RuntimeException e) {
                errors.add("backup " + id + " is deleted but its data object " + dataKey + " could not be: "
                        + oneLine(e.getMessage()) + "; a later prune removes it as a leftover");
            }
            return Action.DELETED;
        }

        /** An object in a backup folder without manifest: a leftover when it is a data object, else not ours. */
        void uncommittedObject(String id, String name) {
            String key = id + "/" + name;
            Optional<Instant> started = BackupId.startedAt(id);
            if (!isDataObjectName(name)) {
                leaveAlone(key, "not a data object, in a backup folder without manifest");
            } else if (started.isEmpty()) {
                leaveAlone(key, "its folder's name is not a real time");
            } else {
                leftovers.add(new Leftover(key, DATA_WITHOUT_MANIFEST, started.get(),
                        removeIfOld(started.get(), () -> store.delete(key), key)));
            }
        }

        /** Multipart uploads of the S3 store that never completed (a crashed backup's parts cost storage). */
        void abandonedUploads(S3BackupStore bucket) {
            List<S3BackupStore.PendingUpload> pending;
            try {
                pending = bucket.pendingUploads();
            } catch (IOException e) {
                errors.add("cannot list multipart uploads in " + bucket.location() + ": " + oneLine(e.getMessage()));
                return;
            }
            boolean anyOld = false;
            for (S3BackupStore.PendingUpload upload : pending) {
                if (upload.initiated().isEmpty()) {
                    continue; // no start time: it cannot be proven abandoned
                }
                boolean old = !upload.initiated().get().isAfter(leftoverCutoff);
                anyOld |= old;
                leftovers.add(new Leftover(upload.key(), ABANDONED_UPLOAD, upload.initiated().get(),
                        !old ? Action.KEPT : dryRun ? Action.WOULD_DELETE : Action.DELETED));
            }
            if (anyOld && !dryRun) {
                try {
                    bucket.abortUploadsStartedBefore(leftoverCutoff);
                } catch (IOException e) {
                    errors.add("cannot abort abandoned multipart uploads: " + oneLine(e.getMessage()));
                }
            }
        }

        /** Temporary files of the folder store inside backup folders. */
        void temporaryFiles(FilesystemBackupStore folder) {
            List<Path> files;
            try {
                files = folder.partialFiles();
            } catch (IOException e) {
                errors.add("cannot look for temporary files in " + folder.location() + ": " + oneLine(e.getMessage()));
                return;
            }
            for (Path file : files) {
                Path relative = folder.root().relativize(file.toAbsolutePath().normalize());
                if (relative.getNameCount() != 2 || !relative.getFileName().toString().startsWith(".")) {
                    continue;
                }
                String key = relative.toString().replace('\\', '/');
                Optional<Instant> started = BackupId.startedAt(relative.getName(0).toString());
                if (started.isEmpty()) {
                    continue;
                }
                Optional<Instant> written;
                try {
                    written = folder.lastModified(file);
                } catch (IOException e) {
                    errors.add("cannot read the age of " + key + ": " + oneLine(e.getMessage()));
                    continue;
                }
                if (written.isEmpty()) {
                    // Its upload committed or aborted since the listing.
                    continue;
                }
                Instant since = written.get().isAfter(started.get()) ? written.get() : started.get();
                leftovers.add(new Leftover(key, TEMPORARY_FILE, since,
                        removeIfOld(since, () -> folder.deletePartialFile(file), key)));
            }
        }

        private Action removeIfOld(Instant since, Deletion deletion, String key) {
            if (since.isAfter(leftoverCutoff)) {
                return Action.KEPT;
            }
            if (dryRun) {
                return Action.WOULD_DELETE;
            }
            try {
                deletion.run();
                LOG.infof("removed %s, left by a backup that did not finish", key);
                return Action.DELETED;
            } catch (IOException | RuntimeException e) {
                errors.add("leftover " + key + " could not be removed: " + oneLine(e.getMessage()));
                return Action.FAILED;
            }
        }
    }

    @FunctionalInterface
    private interface Deletion {
        void run() throws IOException;
    }

    /** Whether {@code name} (inside a backup folder) is the name backups give their data object. */
    static boolean isDataObjectName(String name) {
        return Arrays.stream(Compression.values())
                .anyMatch(compression -> name.equals("data" + compression.extension())
                        || name.equals("data" + compression.extension() + BackupEncryption.EXTENSION));
    }

    private static boolean isSingleName(String name) {
        if (name == null || name.contains("/") || name.equals(BackupManifest.FILE_NAME)) {
            return false;
        }
        try {
            BackupStore.requireValidKey(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String oneLine(String message) {
        return message == null ? "unknown error" : message.replaceAll("\\s*\\R\\s*", " ");
    }
}
