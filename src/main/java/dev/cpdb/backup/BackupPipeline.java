package dev.cpdb.backup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.backup.archive.BackupCatalog;
import dev.cpdb.backup.archive.BackupLayout;
import dev.cpdb.backup.crypto.AgeRecipient;
import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.BackupException;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.CountingOutputStream;
import dev.cpdb.backup.engine.DumpResult;
import dev.cpdb.backup.engine.SchemaSelection;
import dev.cpdb.backup.store.BackupStore;

/**
 * Takes one backup as a {@link BackupRequest} says: the backup engine's script through compression, encryption and
 * digest into the store's upload, then the signed manifest written last as the commit marker of the catalog.
 *
 * <p>
 * Reads over the direct path, or a replica's direct address ({@link BackupSource}), and never runs migrations.
 * Blocking by design: call from the runner's worker threads.
 */
@ApplicationScoped
public class BackupPipeline {

    static final int BUFFER = 1 << 18;

    private static final Logger LOG = Logger.getLogger(BackupPipeline.class);

    private final BackupSource source;
    private final BackupConfig config;
    private final BackupOptions options;
    private final BackupSigning signing;
    private final ObjectMapper json;
    private final Clock clock;

    @Inject
    public BackupPipeline(BackupSource source, BackupConfig config, BackupOptions options, BackupSigning signing,
            ObjectMapper json) {
        this.source = source;
        this.config = config;
        this.options = options;
        this.signing = signing;
        this.json = BackupManifest.writer(json);
        this.clock = Clock.systemUTC();
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
     * Takes backup {@code id} of the database as {@code request} says, reading from {@link BackupSource}'s server,
     * reporting progress. The backup runner ({@link BackupJobs}) is the one caller that coordinates it with other
     * replicas.
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
        int level = options.compressionLevel(compression);
        Optional<List<AgeRecipient>> recipients = options.encryption().recipients();
        BackupCatalog catalog = new BackupCatalog(store, json);
        String dataName = BackupLayout.dataName(compression, recipients.isPresent());
        DumpResult dump;
        BackupSource.Origin origin = null;
        long storedBytes;
        String sha256;
        try (BackupStore.Upload upload = catalog.createData(id, dataName)) {
            CountingOutputStream stored = new CountingOutputStream(upload.stream());
            MessageDigest digest = BackupManifest.dataDigest();
            OutputStream script = scriptSink(new DigestOutputStream(stored, digest), compression, level,
                    recipients);
            try (BackupSource.Reading reading = source.open(id)) {
                origin = reading.origin();
                progress.connected(reading.connection());
                dump = BackupEngine.dump(reading.connection(), script,
                        new BackupEngine.Options(config.lockTimeout(), started.plus(config.deadline()))
                                .withPhases(progress::phase)
                                .withJobs(request.jobs(), () -> openHelper(reading, progress))
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
            throw new BackupFailedException("backup failed" + (origin == null ? "" : origin.where()) + " while "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new BackupFailedException("backup failed writing to " + store.location() + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new BackupFailedException("backup failed on the database: " + e.getMessage(), e);
        }
        BackupManifest manifest = new BackupManifest(BackupEngine.FORMAT_VERSION, id, "cpdb " + buildVersion(), started,
                clock.instant(),
                new BackupManifest.Source(dump.serverVersion(), dump.serverVersionNumber(), dump.database(),
                        origin.readFrom(), origin.replica(), origin.replayPosition(), origin.fallback()),
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

    /** A helper connection of a parallel copy, opened on the same server as the main one. */
    private static Connection openHelper(BackupSource.Reading reading, Progress progress) throws SQLException {
        Connection helper = reading.server().open();
        progress.connected(helper);
        return helper;
    }

    private static String buildVersion() {
        java.util.Properties properties = new java.util.Properties();
        try (InputStream in = BackupPipeline.class.getResourceAsStream("/cpdb-build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "dev";
        }
        return properties.getProperty("cpdb.version", "dev");
    }

}
