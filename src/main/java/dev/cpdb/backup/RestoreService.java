package dev.cpdb.backup;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
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

import dev.cpdb.backup.archive.BackupCatalog;
import dev.cpdb.backup.crypto.AgeException;
import dev.cpdb.backup.crypto.AgeIdentity;
import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.BackupException;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.RestoreEngine;
import dev.cpdb.backup.engine.RestoreResult;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.database.DirectConnections;

/**
 * Finds and restores backups, all or nothing: the manifest's signature and format first, then the data object read
 * once and checked (size, SHA-256, every statement) before anything reaches the target, then read again, pinned, and
 * checked once more before the restore commits.
 *
 * <p>
 * Uses the direct path only and never runs migrations. Blocking by design: call from commands or worker threads.
 */
@ApplicationScoped
public class RestoreService {

    static final int BUFFER = 1 << 18;

    private static final Logger LOG = Logger.getLogger(RestoreService.class);

    private final BackupOptions options;
    private final BackupSigning signing;
    private final ObjectMapper json;
    private final Clock clock;

    @Inject
    public RestoreService(BackupOptions options, BackupSigning signing, ObjectMapper json) {
        this.options = options;
        this.signing = signing;
        this.json = BackupManifest.writer(json);
        this.clock = Clock.systemUTC();
    }

    /** The manifest of a committed backup, empty when there is none. */
    public Optional<BackupManifest> manifest(BackupStore store, String id) {
        try {
            return new BackupCatalog(store, json).manifest(id);
        } catch (IOException e) {
            throw new BackupFailedException("the manifest of backup " + id + " in " + store.location()
                    + " is unreadable: " + e.getMessage(), e);
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
            BackupStore local = options.folder(folder.toAbsolutePath().getParent());
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
            signing.checkBeforeRestore(backup.id(), manifest, json, allowUnsigned);
        } catch (dev.cpdb.InvalidConfigurationException e) {
            throw new BackupFailedException(e.getMessage(), e);
        }
        if (manifest.formatVersion() > BackupEngine.FORMAT_VERSION) {
            throw new BackupFailedException("backup " + backup.id() + " has format version "
                    + manifest.formatVersion() + ", written by a newer cpdb than this one (format "
                    + BackupEngine.FORMAT_VERSION + "); restore it with that version");
        }
        Compression compression = options.compression(manifest.compression());
        // Without the right identity, say so before reading anything.
        List<AgeIdentity> identities = manifest.encryption() == null ? null
                : options.encryption().identitiesFor(backup.id(), manifest.encryption());
        String dataKey = BackupCatalog.dataKey(backup.id(), manifest);
        Instant started = clock.instant();
        try (BackupStore.Pinned pinned = new BackupCatalog(backup.store(), json).pinData(backup.id(), manifest)
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
            MessageDigest digest = BackupManifest.dataDigest();
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
            MessageDigest digest = BackupManifest.dataDigest();
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
            MessageDigest digest = BackupManifest.dataDigest();
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
