package dev.cpdb.backup.retention;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import dev.cpdb.backup.BackupFailedException;
import dev.cpdb.backup.BackupId;
import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.archive.BackupCatalog;
import dev.cpdb.backup.archive.BackupLayout;
import dev.cpdb.backup.retention.PruneReport.Action;
import dev.cpdb.backup.retention.PruneReport.BackupOutcome;
import dev.cpdb.backup.retention.PruneReport.LeftAlone;
import dev.cpdb.backup.retention.PruneReport.Leftover;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.PendingUpload;
import io.quarkus.runtime.StartupEvent;

/**
 * Applies the {@link RetentionPolicy} to a backup store: deletes the committed backups the policy does not keep and
 * the leftovers of backups that died, and touches nothing it cannot prove is one of those.
 *
 * <p>
 * What prune treats as its own: a folder whose name is a {@linkplain BackupId#isValid valid backup id} holding a
 * manifest that parses, names that folder's id, has a finish time and a format this version knows; the backup's
 * objects are that manifest and the data object it names (see {@link BackupCatalog}). A leftover is a data object
 * ({@code data.sql}, {@code data.sql.gz}, {@code data.sql.zst}, each also with {@code .age}) in a backup folder
 * without a manifest, or an unfinished upload ({@link BackupStore#pendingUploads}: a folder's temporary file, an
 * S3 multipart upload) inside a backup folder. A leftover is removed only once it is older than the leftover age,
 * which is never shorter than the backup deadline, so an upload of a running backup is never touched; its age counts
 * from the start time in its backup id (and for an upload from its last activity when that is later). Everything
 * else is reported and left alone.
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
    static final String UNFINISHED_UPLOAD = "unfinished upload";

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
        BackupCatalog catalog = new BackupCatalog(store, json);
        BackupCatalog.Contents contents;
        try {
            contents = catalog.contents();
        } catch (IOException e) {
            throw new BackupFailedException("cannot list backups in " + store.location() + ": " + e.getMessage(), e);
        }

        Run run = new Run(catalog, dryRun, now.minus(leftoverAge));
        Map<String, BackupManifest> manifests = new TreeMap<>();
        List<RetentionPolicy.Backup> committed = new ArrayList<>();
        for (Map.Entry<String, List<String>> folder : contents.folders().entrySet()) {
            String id = folder.getKey();
            List<String> names = folder.getValue();
            if (names.contains(BackupManifest.FILE_NAME)) {
                Optional<BackupManifest> manifest = run.ownManifest(id);
                if (manifest.isEmpty()) {
                    continue;
                }
                committed.add(new RetentionPolicy.Backup(id, manifest.get().finishedAt()));
                manifests.put(id, manifest.get());
                for (String name : names) {
                    if (!name.equals(BackupManifest.FILE_NAME) && !name.equals(manifest.get().data().key())) {
                        run.leaveAlone(BackupLayout.folder(id) + name, "not named by backup " + id + "'s manifest");
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
            Action action = decision.keep() ? Action.KEPT : run.deleteBackup(id, manifests.get(id), decision);
            outcomes[i] = new BackupOutcome(id, decision.backup().finishedAt(), action, decision.reasons());
        }
        run.unfinishedUploads();
        PruneReport report = new PruneReport(store.location(), now, dryRun, policy, leftoverAge,
                List.of(outcomes), List.copyOf(run.leftovers), List.copyOf(run.leftAlone),
                contents.foreignObjects(), List.copyOf(run.errors));
        LOG.infof("retention %sof %s: %d backups kept, %d %s, %d leftovers %s, %d errors", dryRun ? "(dry run) " : "",
                store.location(), report.kept().size(), report.deleted().size(),
                dryRun ? "would be deleted" : "deleted", report.leftoversRemoved().size(),
                dryRun ? "would be removed" : "removed", report.errors().size());
        return report;
    }

    /** The state of one prune. */
    private final class Run {

        final BackupCatalog catalog;
        final boolean dryRun;
        final Instant leftoverCutoff;
        final List<Leftover> leftovers = new ArrayList<>();
        final List<LeftAlone> leftAlone = new ArrayList<>();
        final List<String> errors = new ArrayList<>();

        Run(BackupCatalog catalog, boolean dryRun, Instant leftoverCutoff) {
            this.catalog = catalog;
            this.dryRun = dryRun;
            this.leftoverCutoff = leftoverCutoff;
        }

        void leaveAlone(String key, String reason) {
            leftAlone.add(new LeftAlone(key, reason));
        }

        /** The manifest of backup {@code id} when it proves the backup is one prune may delete. */
        Optional<BackupManifest> ownManifest(String id) {
            String key = BackupLayout.manifestKey(id);
            Optional<BackupManifest> manifest;
            try {
                // Empty when deleted since the listing: not a committed backup any more.
                manifest = catalog.manifest(id);
            } catch (IOException | RuntimeException e) {
                leaveAlone(key, "the manifest cannot be read: " + oneLine(e.getMessage()));
                return Optional.empty();
            }
            Optional<String> problem = manifest.flatMap(read -> BackupCatalog.ownershipProblem(id, read));
            if (problem.isPresent()) {
                leaveAlone(key, problem.get());
                return Optional.empty();
            }
            return manifest;
        }

        /** Deletes a backup the policy does not keep: manifest first, then the data object. */
        Action deleteBackup(String id, BackupManifest manifest, RetentionPolicy.Decision decision) {
            if (dryRun) {
                return Action.WOULD_DELETE;
            }
            Optional<String> dataLeft;
            try {
                dataLeft = catalog.delete(id, manifest);
            } catch (IOException | RuntimeException e) {
                errors.add("backup " + id + " was not deleted: its manifest could not be deleted: "
                        + oneLine(e.getMessage()));
                return Action.FAILED;
            }
            LOG.infof("backup %s deleted by retention (finished %s, %s)", id, decision.backup().finishedAt(),
                    decision.explanation());
            dataLeft.ifPresent(problem -> errors.add("backup " + id + " is deleted but its data object "
                    + BackupCatalog.dataKey(id, manifest) + " could not be: " + oneLine(problem)
                    + "; a later prune removes it as a leftover"));
            return Action.DELETED;
        }

        /** An object in a backup folder without manifest: a leftover when it is a data object, else not ours. */
        void uncommittedObject(String id, String name) {
            String key = BackupLayout.folder(id) + name;
            Optional<Instant> started = BackupId.startedAt(id);
            if (!BackupLayout.isDataObjectName(name)) {
                leaveAlone(key, "not a data object, in a backup folder without manifest");
            } else if (started.isEmpty()) {
                leaveAlone(key, "its folder's name is not a real time");
            } else {
                leftovers.add(new Leftover(key, DATA_WITHOUT_MANIFEST, started.get(),
                        removeIfOld(started.get(), () -> catalog.store().delete(key), key)));
            }
        }

        /**
         * Uploads that were started and never committed nor aborted (a crashed backup's temporary file or multipart
         * parts, which cost storage). Their age counts from the backup's start, or from the upload's last activity
         * when that is later; an upload whose store tells no activity cannot be proven abandoned.
         */
        void unfinishedUploads() {
            List<PendingUpload> pending;
            try {
                pending = catalog.store().pendingUploads("");
            } catch (IOException | RuntimeException e) {
                errors.add("cannot list unfinished uploads in " + catalog.location() + ": " + oneLine(e.getMessage()));
                return;
            }
            for (PendingUpload upload : pending) {
                Optional<Instant> started = BackupLayout.backupId(upload.key()).flatMap(BackupId::startedAt);
                if (started.isEmpty()) {
                    leaveAlone(upload.key(), "an unfinished upload outside any backup folder");
                } else if (upload.lastActivity().isPresent()) {
                    Instant since = upload.lastActivity().get().isAfter(started.get()) ? upload.lastActivity().get()
                            : started.get();
                    leftovers.add(new Leftover(upload.key(), UNFINISHED_UPLOAD, since,
                            removeIfOld(since, () -> catalog.store().discard(upload), upload.key())));
                }
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

    private static String oneLine(String message) {
        return message == null ? "unknown error" : message.replaceAll("\\s*\\R\\s*", " ");
    }
}
