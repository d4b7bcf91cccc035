package dev.cpdb.backup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.InstanceDirectory;
import dev.cpdb.backup.archive.BackupCatalog;
import dev.cpdb.backup.archive.BackupLayout;
import dev.cpdb.backup.crypto.AgeException;
import dev.cpdb.backup.crypto.AgeIdentity;
import dev.cpdb.backup.crypto.AgeRecipient;
import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.BackupException;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.CountingOutputStream;
import dev.cpdb.backup.engine.DumpResult;
import dev.cpdb.backup.engine.RestoreEngine;
import dev.cpdb.backup.engine.RestoreResult;
import dev.cpdb.backup.engine.SchemaSelection;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.BackupStores;
import dev.cpdb.backup.store.S3BackupStores;
import dev.cpdb.database.Database;
import dev.cpdb.database.DirectConnections;
import dev.cpdb.settings.InstanceSettings;

/**
 * Takes, lists and restores backups: the pipeline from the backup engine through compression and digest into a
 * {@link BackupStore}, with the manifest written last as the commit marker.
 *
 * <p>
 * Uses the direct path only and never runs migrations. Blocking by design: call from commands or worker threads.
 */
@ApplicationScoped
public class BackupService {

    static final int BUFFER = 1 << 18;

    private static final Logger LOG = Logger.getLogger(BackupService.class);

    private final Database database;
    private final BackupConfig config;
    private final InstanceDirectory instance;
    private final ObjectMapper json;
    private final BackupStores stores;
    private final BackupSigning signing;
    private final BackupEncryption encryption;
    private final Clock clock;
    private volatile InstanceSettings settings;

    @Inject
    public BackupService(Database database, BackupConfig config, InstanceDirectory instance, ObjectMapper json,
            S3BackupStores s3, BackupSigning signing) {
        this.database = database;
        this.config = config;
        this.instance = instance;
        this.json = BackupManifest.reader(json).enable(SerializationFeature.INDENT_OUTPUT);
        this.stores = new BackupStores(s3);
        this.signing = signing;
        this.encryption = new BackupEncryption(config);
        this.clock = Clock.systemUTC();
    }

    /** A service that signs with the keys of {@code config} (none on the embedded default without an instance). */
    public BackupService(Database database, BackupConfig config, InstanceDirectory instance, ObjectMapper json,
            S3BackupStores s3) {
        this(database, config, instance, json, s3, new BackupSigning(config, instance, database));
    }

    /** The configured store: {@code CPDB_BACKUP_TARGET}, or the instance's {@code backups} folder. */
    public BackupStore defaultStore() {
        return config.target().filter(text -> !text.isBlank()).map(this::store)
                .orElseGet(() -> stores.folder(instance.path().resolve("backups")));
    }

    /** A store for a target given by an operator: a folder path, {@code file://} URL or {@code s3://bucket/prefix}. */
    public BackupStore store(String target) {
        try {
            return stores.open(target);
        } catch (IllegalArgumentException e) {
            throw new BackupFailedException(e.getMessage(), e);
        }
    }

    /** The backups in {@code store}, reading and writing manifests as this service does. */
    public BackupCatalog catalog(BackupStore store) {
        return new BackupCatalog(store, json);
    }

    /** Where the signing keys come from ({@code none} without); on the embedded default, generates the key file. */
    public String signingSource() {
        return signing.source();
    }

    /** Checks the configured signing keys, without generating one. */
    public void validateSigningSettings() {
        signing.validateSettings();
    }

    /** Checks the encryption settings (recipients and identities), naming the setting that is wrong. */
    public void validateEncryptionSettings() {
        encryption.validateSettings();
    }

    /** What new backups are encrypted to, for the start-up log: {@code none} or the recipients' fingerprints. */
    public String encryptionSummary() {
        return encryption.recipients().map(recipients -> "age to " + String.join(", ",
                BackupEncryption.describe(recipients).recipients())).orElse("none");
    }

    /** The compression setting, checked. */
    public Compression compression(String value) {
        try {
            return Compression.parse(value);
        } catch (IllegalArgumentException e) {
            throw new BackupFailedException(e.getMessage());
        }
    }

    /** A number of copy connections, checked. */
    public static int jobs(int value, String setting) {
        if (value < 1 || value > BackupEngine.MAX_JOBS) {
            throw new BackupFailedException(setting + " is " + value + "; use a number of connections from 1 to "
                    + BackupEngine.MAX_JOBS);
        }
        return value;
    }

    /**
     * Reads the live instance settings once they are loaded (by the service, or by a command that asked for them);
     * before that, and on a database without them, the configuration.
     */
    @Inject
    void settings(InstanceSettings instanceSettings) {
        this.settings = instanceSettings;
    }

    /** The instance setting {@code key} when the settings are loaded, else what {@code configured} says. */
    private String live(String key, java.util.function.Supplier<String> configured) {
        InstanceSettings current = settings;
        return current != null && current.loaded() ? current.value(key) : configured.get();
    }

    /** Default copy connections ({@code CPDB_BACKUP_JOBS}, live as {@code backup.jobs}). */
    public int defaultJobs() {
        return jobs(Integer.parseInt(live(BackupSettings.JOBS, () -> Integer.toString(config.jobs()))),
                "CPDB_BACKUP_JOBS (cpdb.backup.jobs)");
    }

    /** Default compression ({@code CPDB_BACKUP_COMPRESSION}, live as {@code backup.compression}). */
    public Compression defaultCompression() {
        return compression(live(BackupSettings.COMPRESSION, config::compression));
    }

    /**
     * The level to compress with: {@code CPDB_BACKUP_COMPRESSION_LEVEL} (live as {@code backup.compression-level}),
     * checked, or the compression's default.
     */
    public int compressionLevel(Compression compression) {
        String level = live(BackupSettings.COMPRESSION_LEVEL,
                () -> config.compressionLevel().map(String::valueOf).orElse(""));
        try {
            return level.isBlank() ? compression.defaultLevel() : compression.checkLevel(Integer.parseInt(level));
        } catch (IllegalArgumentException e) {
            throw new BackupFailedException("CPDB_BACKUP_COMPRESSION_LEVEL (cpdb.backup.compression-level): "
                    + e.getMessage());
        }
    }

    /**
     * Whether backups carry owners and privileges ({@code CPDB_BACKUP_OWNERS_AND_PRIVILEGES}, live as
     * {@code backup.owners-and-privileges}).
     */
    public boolean defaultOwnersAndPrivileges() {
        return Boolean.parseBoolean(live(BackupSettings.OWNERS_AND_PRIVILEGES,
                () -> Boolean.toString(config.ownersAndPrivileges())));
    }

    /**
     * The schema selection of {@code CPDB_BACKUP_SCHEMAS} and {@code CPDB_BACKUP_EXCLUDE_SCHEMAS}, checked.
     *
     * @throws BackupFailedException naming the setting and the pattern that is not well formed
     */
    public SchemaSelection defaultSelection() {
        return selection(config.schemas().map(SchemaSelection::splitSetting).orElse(List.of()),
                config.excludeSchemas().map(SchemaSelection::splitSetting).orElse(List.of()),
                "CPDB_BACKUP_SCHEMAS (cpdb.backup.schemas) / CPDB_BACKUP_EXCLUDE_SCHEMAS (cpdb.backup.exclude-schemas)");
    }

    /**
     * A selection from patterns an operator gave, checked.
     *
     * @param source what the patterns came from, for the error message
     */
    public static SchemaSelection selection(List<String> include, List<String> exclude, String source) {
        try {
            return SchemaSelection.of(include, exclude);
        } catch (IllegalArgumentException e) {
            throw new BackupFailedException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * A request to back up to {@code store} with the live instance settings: compression, copy connections, owners
     * and privileges, and the schema selection of {@code CPDB_BACKUP_SCHEMAS} / {@code CPDB_BACKUP_EXCLUDE_SCHEMAS}.
     *
     * @throws BackupFailedException naming a setting whose value is wrong
     */
    public BackupRequest request(BackupStore store) {
        return new BackupRequest(store, defaultCompression(), defaultJobs(), defaultOwnersAndPrivileges(),
                defaultSelection());
    }

    /** Receives a running backup's connections (so it can be cancelled) and its phases. */
    public interface Progress {

        /** Progress nobody follows. */
        Progress NONE = new Progress() {
        };

        /**
         * Called for each direct connection as it opens, before it does any work: first the main one, then the
         * helpers of a parallel copy.
         */
        default void connected(Connection connection) {
        }

        /** Whether the backup was cancelled; checked between pieces of work, so an idle connection stops too. */
        default boolean cancelled() {
            return false;
        }

        /** Called as each phase starts, e.g. {@code copying public.issues}. */
        default void phase(String phase) {
        }
    }

    /**
     * Takes backup {@code id} of the database on the direct path as {@code request} says, reporting progress. The
     * backup runner ({@link BackupJobs}) is the one caller that coordinates it with other replicas.
     *
     * @return the manifest of the committed backup
     * @throws BackupFailedException when it fails, naming the cause (the database, the store, the engine's phase);
     *         nothing that looks like a backup is left behind
     */
    public BackupManifest backup(String id, BackupRequest request, Progress progress) {
        BackupStore store = request.store();
        Compression compression = request.compression();
        boolean ownersAndPrivileges = request.ownersAndPrivileges();
        Instant started = clock.instant();
        int level = compressionLevel(compression);
        Optional<List<AgeRecipient>> recipients = encryption.recipients();
        BackupCatalog catalog = catalog(store);
        String dataName = BackupLayout.dataName(compression, recipients.isPresent());
        DumpResult dump;
        long storedBytes;
        String sha256;
        try (BackupStore.Upload upload = catalog.createData(id, dataName)) {
            CountingOutputStream stored = new CountingOutputStream(upload.stream());
            MessageDigest digest = sha256();
            OutputStream script = scriptSink(new DigestOutputStream(stored, digest), compression, level,
                    recipients);
            try (Connection connection = database.direct().open()) {
                progress.connected(connection);
                dump = BackupEngine.dump(connection, script,
                        new BackupEngine.Options(config.lockTimeout(), started.plus(config.deadline()))
                                .withPhases(progress::phase)
                                .withJobs(request.jobs(), () -> openHelper(progress))
                                .withCancellation(progress::cancelled)
                                .withOwnersAndPrivileges(ownersAndPrivileges)
                                .withSelection(request.selection()));
            }
            script.close();
            upload.commit();
            storedBytes = stored.bytes();
            sha256 = HexFormat.of().formatHex(digest.digest());
        } catch (BackupException e) {
            if (e.getCause() instanceof IOException written) {
                // The script goes through compression into the store's upload: a failed write is the store's.
                throw new BackupFailedException("backup failed while " + e.phase() + ": writing to "
                        + store.location() + " failed: " + written.getMessage(), e);
            }
            throw new BackupFailedException("backup failed while " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BackupFailedException("backup failed writing to " + store.location() + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new BackupFailedException("backup failed on the database: " + e.getMessage(), e);
        }
        BackupManifest manifest = new BackupManifest(BackupEngine.FORMAT_VERSION, id, "cpdb " + buildVersion(), started,
                clock.instant(),
                new BackupManifest.Source(dump.serverVersion(), dump.serverVersionNumber(), dump.database()),
                compression.settingValue(), ownersAndPrivileges,
                new BackupManifest.DataObject(dataName, storedBytes, sha256,
                        dump.scriptBytes()),
                dump.schemas(), dump.tables(),
                new BackupManifest.Migrations(dump.coreMigrations(), dump.pluginMigrations()), null,
                recipients.map(BackupEncryption::describe).orElse(null), selection(dump.selection()),
                dump.largeObjects());
        try {
            manifest = signing.sign(manifest, json);
            catalog.commit(manifest);
        } catch (IOException | RuntimeException e) {
            catalog.abandon(id, dataName);
            throw new BackupFailedException("backup failed writing its manifest to " + store.location() + ": "
                    + e.getMessage(), e);
        }
        LOG.infof("backup %s committed to %s: %d bytes (%s), %d tables, %d rows, schemas %s", id, store.location(),
                storedBytes, compression.settingValue(), dump.tables().size(), manifest.totalRows(),
                String.join(", ", dump.schemas()));
        for (SchemaSelection.LeftOut left : dump.selection().leftOut()) {
            LOG.infof("backup %s left out schema %s: %s", id, left.schema(), left.reason());
        }
        if (!dump.selection().unmatchedExcludes().isEmpty()) {
            LOG.infof("backup %s: exclude patterns that matched no schema: %s", id,
                    String.join(", ", dump.selection().unmatchedExcludes()));
        }
        return manifest;
    }

    /** The manifest's record of a selection. */
    private static BackupManifest.Selection selection(SchemaSelection.Outcome outcome) {
        return new BackupManifest.Selection(outcome.include(), outcome.exclude(), outcome.leftOut().stream()
                .map(left -> new BackupManifest.LeftOut(left.schema(), left.reason())).toList(),
                outcome.unmatchedExcludes());
    }

    /**
     * Where the backup engine writes its script: compression, then encryption when recipients are given, then
     * {@code stored}. Encryption comes after compression (encrypted bytes do not compress) and before the digest
     * that {@code stored} computes, so that the manifest's SHA-256 is checked on the stored bytes before anything
     * is decrypted. Closing the result closes {@code stored}.
     */
    static OutputStream scriptSink(OutputStream stored, Compression compression, int level,
            Optional<List<AgeRecipient>> recipients) throws IOException {
        OutputStream sealed = recipients.isPresent() ? BackupEncryption.encrypt(stored, recipients.get()) : stored;
        return new BufferedOutputStream(compression.compress(sealed, level), BUFFER);
    }

    /** A helper connection of a parallel copy, opened on the same direct path as the main one. */
    private Connection openHelper(Progress progress) throws SQLException {
        Connection helper = database.direct().open();
        progress.connected(helper);
        return helper;
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
        try {
            return catalog(store).manifest(id);
        } catch (IOException e) {
            throw new BackupFailedException("the manifest of backup " + id + " in " + store.location()
                    + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Renders a manifest as indented JSON. */
    public String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Finds a backup named by an operator: a backup id in {@code store}, or the path of a backup folder (or of a
     * file inside one) anywhere on disk.
     */
    public Located locate(BackupStore store, String reference) {
        Path path = Path.of(reference);
        if (!BackupId.isValid(reference) && Files.exists(path)) {
            Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
            String id = folder.getFileName().toString();
            BackupStore local = stores.folder(folder.toAbsolutePath().getParent());
            return new Located(local, id, manifest(local, id).orElseThrow(() -> missingManifest(folder.toString())));
        }
        if (!BackupId.isValid(reference)) {
            throw new BackupFailedException("'" + reference + "' is neither a backup id (like 20261125T101500Z-3f9a1c) "
                    + "nor an existing backup folder");
        }
        return new Located(store, reference, manifest(store, reference)
                .orElseThrow(() -> missingManifest(reference + " in " + store.location())));
    }

    /** A backup found by {@link #locate}. */
    public record Located(BackupStore store, String id, BackupManifest manifest) {
    }

    private static BackupFailedException missingManifest(String where) {
        return new BackupFailedException("no committed backup at " + where + " (no " + BackupManifest.FILE_NAME
                + "): it is incomplete, was deleted, or is not a cpdb backup");
    }

    /**
     * Restores a backup into the database behind {@code target}, all or nothing. Before the first statement reaches
     * the target, the whole data object is read once: its size and SHA-256 must match the manifest and every
     * statement must be one cpdb writes ({@link RestoreEngine#check}). The restore then reads the same object again
     * (pinned: the open file, or the same S3 version and ETag), and checks size and SHA-256 once more before it
     * commits.
     */
    public RestoreOutcome restore(Located backup, DirectConnections target, boolean clean) {
        return restore(backup, target, clean, false);
    }

    /**
     * Restores a backup, checking its manifest's signature first while a signing key is configured.
     *
     * @param allowUnsigned accept a backup without signature or signed with a key that is not configured
     * @see #restore(Located, DirectConnections, boolean)
     */
    public RestoreOutcome restore(Located backup, DirectConnections target, boolean clean, boolean allowUnsigned) {
        return restore(backup, target, clean, allowUnsigned, true);
    }

    /**
     * A drill's restore into an empty scratch database: like {@link #restore}, but the owners and privileges a backup
     * may carry are checked and not applied, since the drill's unprivileged role may not act for the roles they name.
     */
    public RestoreOutcome drill(Located backup, DirectConnections target, boolean allowUnsigned) {
        return restore(backup, target, false, allowUnsigned, false);
    }

    private RestoreOutcome restore(Located backup, DirectConnections target, boolean clean, boolean allowUnsigned,
            boolean applyOwnership) {
        BackupManifest manifest = backup.manifest();
        try {
            signing.check(backup.id(), manifest, json, allowUnsigned);
        } catch (dev.cpdb.InvalidConfigurationException e) {
            throw new BackupFailedException(e.getMessage(), e);
        }
        if (manifest.formatVersion() > BackupEngine.FORMAT_VERSION) {
            throw new BackupFailedException("backup " + backup.id() + " has format version "
                    + manifest.formatVersion() + ", written by a newer cpdb than this one (format "
                    + BackupEngine.FORMAT_VERSION + "); restore it with that version");
        }
        Compression compression = compression(manifest.compression());
        // Without the right identity, say so before reading anything.
        List<AgeIdentity> identities = manifest.encryption() == null ? null
                : encryption.identitiesFor(backup.id(), manifest.encryption());
        String dataKey = BackupCatalog.dataKey(backup.id(), manifest);
        Instant started = clock.instant();
        try (BackupStore.Pinned pinned = catalog(backup.store()).pinData(backup.id(), manifest)
                .orElseThrow(() -> new BackupFailedException(
                        "the data object " + dataKey + " of backup " + backup.id() + " is missing"))) {
            RestoreEngine.Holdings holdings = checkBeforeRunning(backup.id(), manifest, compression, identities,
                    pinned);
            return run(backup, manifest, compression, identities, pinned, target, holdings, clean, applyOwnership,
                    started);
        } catch (IOException e) {
            throw new BackupFailedException("restore failed: " + e.getMessage() + "; the target was not changed", e);
        }
    }

    /**
     * The first pass: reads the whole data object, compares its size and SHA-256 with the manifest and checks every
     * statement of its script, without connecting to any database.
     *
     * @return what the backup holds: the schemas its script creates, which must be those its manifest lists (with
     *         public, which a script uses without creating), and the extensions it creates
     */
    private static RestoreEngine.Holdings checkBeforeRunning(String id, BackupManifest manifest,
            Compression compression, List<AgeIdentity> identities, BackupStore.Pinned pinned) throws IOException {
        try (InputStream raw = pinned.open()) {
            CountingInputStream counted = new CountingInputStream(raw);
            MessageDigest digest = sha256();
            DigestInputStream digested = new DigestInputStream(counted, digest);
            RuntimeException refusal = null;
            RestoreEngine.ScriptContents contents = null;
            try {
                InputStream script = new BufferedInputStream(
                        compression.decompress(plain(new BufferedInputStream(digested, BUFFER), identities)), BUFFER);
                contents = RestoreEngine.inspect(script, manifest.ownersAndPrivileges());
            } catch (BackupException e) {
                refusal = decryptionFailure(e).orElse(e);
            } catch (AgeException e) {
                refusal = decryptionFailure(e).orElseThrow();
            } catch (IOException e) {
                refusal = new BackupException(RestoreEngine.CHECKING, "the data object cannot be decompressed: "
                        + e.getMessage(), false, e);
            }
            // Hash to the end whatever the script looked like: damage is the better explanation of a refusal.
            digested.transferTo(OutputStream.nullOutputStream());
            try {
                verifyIntegrity(manifest, counted.count(), HexFormat.of().formatHex(digest.digest()));
            } catch (IntegrityException e) {
                throw new BackupFailedException("restore refused: backup " + id + " is damaged: " + e.getMessage()
                        + "; nothing was run, the target was not changed", e);
            }
            if (refusal != null) {
                throw new BackupFailedException("restore refused: backup " + id + ": " + refusal.getMessage()
                        + "; nothing was run, the target was not changed", refusal);
            }
            java.util.Set<String> listed = new java.util.TreeSet<>(manifest.schemas());
            listed.remove("public");
            if (!listed.equals(new java.util.TreeSet<>(contents.schemas()))) {
                throw new BackupFailedException("restore refused: backup " + id + ": its manifest lists the schemas "
                        + String.join(", ", listed) + " but its script creates " + String.join(", ",
                                contents.schemas())
                        + "; nothing was run, the target was not changed");
            }
            return contents.holdings(manifest.schemas().contains("public"));
        }
    }

    /** The second pass: runs the script from the pinned object, checking its size and SHA-256 before the commit. */
    private RestoreOutcome run(Located backup, BackupManifest manifest, Compression compression,
            List<AgeIdentity> identities, BackupStore.Pinned pinned, DirectConnections target,
            RestoreEngine.Holdings holdings, boolean clean, boolean applyOwnership, Instant started) {
        try (InputStream raw = pinned.open(); Connection connection = target.open()) {
            CountingInputStream counted = new CountingInputStream(raw);
            MessageDigest digest = sha256();
            DigestInputStream digested = new DigestInputStream(counted, digest);
            InputStream script = new BufferedInputStream(
                    compression.decompress(plain(new BufferedInputStream(digested, BUFFER), identities)), BUFFER);
            if (clean) {
                LOG.infof("restoring backup %s into %s with --clean: the backup's schemas %s are replaced, others "
                        + "are left alone", backup.id(), target.endpoint(), String.join(", ", holdings.schemas()));
            }
            RestoreResult result = RestoreEngine.restore(connection, script, holdings, clean,
                    manifest.ownersAndPrivileges(), applyOwnership, () -> {
                        script.transferTo(OutputStream.nullOutputStream());
                        digested.transferTo(OutputStream.nullOutputStream());
                        verifyIntegrity(manifest, counted.count(), HexFormat.of().formatHex(digest.digest()));
                    });
            long rows = result.rowsByTable().values().stream().mapToLong(Long::longValue).sum();
            LOG.infof("restored backup %s into %s: %d tables, %d rows, %d large objects (%d bytes)", backup.id(),
                    target.endpoint(), result.rowsByTable().size(), rows, result.largeObjects().count(),
                    result.largeObjects().bytes());
            return new RestoreOutcome(backup.id(), target.endpoint(), result.rowsByTable().size(), rows,
                    Duration.between(started, clock.instant()), result.largeObjects());
        } catch (BackupException e) {
            // A damaged object can fail anywhere (bad compressed data, a row that breaks a constraint); when it
            // does not match its manifest, that is the reason to report.
            Optional<String> damage = e.getCause() instanceof IntegrityException
                    ? Optional.of(e.getCause().getMessage())
                    : integrityProblem(pinned, manifest);
            if (damage.isPresent()) {
                throw new BackupFailedException("restore failed: backup " + backup.id() + " is damaged: "
                        + damage.get() + "; the target was not changed", e);
            }
            throw new BackupFailedException("restore failed while " + e.getMessage()
                    + "; the target was not changed", e);
        } catch (IOException | SQLException e) {
            throw new BackupFailedException("restore failed: " + e.getMessage() + "; the target was not changed", e);
        }
    }

    /** A refusal that says the object cannot be decrypted, when an age check is what failed somewhere below. */
    private static Optional<BackupException> decryptionFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AgeException age) {
                return Optional.of(new BackupException(RestoreEngine.CHECKING, "the data object cannot be decrypted: "
                        + age.getMessage(), false, age));
            }
        }
        return Optional.empty();
    }

    /** The compressed script: the stored stream itself, or decrypted with the identities when it is encrypted. */
    private static InputStream plain(InputStream stored, List<AgeIdentity> identities) throws IOException {
        return identities == null ? stored : BackupEncryption.decrypt(stored, identities);
    }

    /** Reads the whole data object again and describes how it differs from its manifest, if it does. */
    private static Optional<String> integrityProblem(BackupStore.Pinned pinned, BackupManifest manifest) {
        try (InputStream raw = pinned.open()) {
            MessageDigest digest = sha256();
            CountingInputStream counted = new CountingInputStream(raw);
            new DigestInputStream(counted, digest).transferTo(OutputStream.nullOutputStream());
            verifyIntegrity(manifest, counted.count(), HexFormat.of().formatHex(digest.digest()));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static void verifyIntegrity(BackupManifest manifest, long bytes, String sha256) throws IOException {
        if (bytes != manifest.data().bytes()) {
            throw new IntegrityException("the data object has " + bytes + " bytes but its manifest says "
                    + manifest.data().bytes() + ": it is truncated or was replaced");
        }
        if (!sha256.equals(manifest.data().sha256())) {
            throw new IntegrityException("the data object's SHA-256 does not match its manifest: it is corrupt");
        }
    }

    /** The data object does not match its manifest. */
    static final class IntegrityException extends IOException {
        IntegrityException(String message) {
            super(message);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String buildVersion() {
        java.util.Properties properties = new java.util.Properties();
        try (InputStream in = BackupService.class.getResourceAsStream("/cpdb-build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "dev";
        }
        return properties.getProperty("cpdb.version", "dev");
    }

    /** Counts bytes read. */
    private static final class CountingInputStream extends FilterInputStream {

        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }
}
