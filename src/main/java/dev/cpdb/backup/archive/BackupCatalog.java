package dev.cpdb.backup.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.backup.BackupId;
import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.StoredObject;

/**
 * The backups in one store, laid out as {@link BackupLayout} says. A backup exists once its manifest is written, so
 * the manifest is written last ({@link #commit}) and deleted first ({@link #delete}); a process that stops in between
 * leaves at worst a data object without manifest, which is no backup and which retention removes as a leftover.
 *
 * <p>
 * Blocking: store I/O on the calling thread. Store failures surface as {@link IOException}s naming the store.
 */
public final class BackupCatalog {

    private static final Logger LOG = Logger.getLogger(BackupCatalog.class);

    /**
     * The most a manifest may hold. One lists every table with its row count, so a manifest of a hundred thousand
     * tables stays well below; a larger object in a manifest's place is not read, whoever put it there.
     */
    static final int MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

    private final BackupStore store;
    private final ObjectMapper json;

    /**
     * @param json reads and writes manifests (see {@link BackupManifest#reader})
     */
    public BackupCatalog(BackupStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** A committed backup as a listing shows it, without reading its manifest. */
    public record Committed(String id, StoredObject manifest) {
    }

    /** What a store holds, grouped by backup folder. */
    public record Contents(Map<String, List<String>> folders, int foreignObjects) {
    }

    public BackupStore store() {
        return store;
    }

    /** Where the store points, for messages. */
    public String location() {
        return store.location();
    }

    /** Starts backup {@code id}'s data object; it is no backup until {@link #commit}. */
    public BackupStore.Upload createData(String id, String name) throws IOException {
        return store.create(BackupLayout.dataKey(id, name));
    }

    /**
     * Commits a backup whose data object is written: writes its manifest. After a failure the backup is not
     * committed, and the caller {@linkplain #abandon abandons} it.
     */
    public void commit(BackupManifest manifest) throws IOException {
        store.write(BackupLayout.manifestKey(manifest.backupId()), json.writeValueAsBytes(manifest));
    }

    /**
     * Deletes the data object of a backup that will not be committed (its manifest could not be made or written). A
     * best effort: a failure is logged, and what stays is a leftover that retention removes.
     */
    public void abandon(String id, String dataName) {
        try {
            store.delete(BackupLayout.dataKey(id, dataName));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not delete %s in %s after a failed backup: %s", BackupLayout.dataKey(id, dataName),
                    store.location(), e.getMessage());
        }
    }

    /** Every committed backup, newest first, from one listing of the store; no manifest is read. */
    public List<Committed> committed() throws IOException {
        List<Committed> committed = new ArrayList<>();
        for (StoredObject object : store.list("")) {
            Optional<String> id = BackupLayout.backupId(object.key());
            if (id.isPresent() && object.key().equals(BackupLayout.manifestKey(id.get()))) {
                committed.add(new Committed(id.get(), object));
            }
        }
        committed.sort(Comparator.comparing(Committed::id).reversed());
        return committed;
    }

    /**
     * The manifests of every committed backup, newest first: one read per backup. Whoever can write to the store can
     * write a manifest, so one that does not parse or does not describe a backup of its folder is left out with a
     * warning rather than failing the whole listing (and with it retention and the scheduled drill).
     *
     * @throws IOException when the store fails
     */
    public List<BackupManifest> manifests() throws IOException {
        List<BackupManifest> manifests = new ArrayList<>();
        for (Committed backup : committed()) {
            Optional<BackupManifest> manifest;
            try {
                manifest = manifest(backup.id());
            } catch (JsonProcessingException e) {
                LOG.warnf("backup %s in %s is left out: its manifest does not parse: %s", backup.id(),
                        store.location(), e.getOriginalMessage());
                continue;
            }
            Optional<String> problem = manifest.flatMap(found -> found.tables() == null
                    ? Optional.of("the manifest lists no tables")
                    : shapeProblem(backup.id(), found));
            if (problem.isPresent()) {
                LOG.warnf("backup %s in %s is left out: %s", backup.id(), store.location(), problem.get());
                continue;
            }
            manifest.ifPresent(manifests::add);
        }
        manifests.sort(Comparator.comparing(BackupManifest::backupId).reversed());
        return manifests;
    }

    /**
     * The manifest of backup {@code id}; empty when there is none (not committed, deleted) or {@code id} is no backup
     * id.
     *
     * @throws IOException when the store fails or the manifest does not parse
     */
    public Optional<BackupManifest> manifest(String id) throws IOException {
        if (!BackupId.isValid(id)) {
            return Optional.empty();
        }
        Optional<InputStream> in = store.read(BackupLayout.manifestKey(id));
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream stream = in.get()) {
            byte[] bytes = stream.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (bytes.length > MAX_MANIFEST_BYTES) {
                throw new JsonParseException(null, "the manifest of backup " + id + " is larger than "
                        + MAX_MANIFEST_BYTES + " bytes, more than any manifest cpdb writes");
            }
            return Optional.ofNullable(json.readValue(bytes, BackupManifest.class));
        }
    }

    /**
     * Why a manifest read from backup {@code id}'s folder does not prove a backup this cpdb may delete as its own:
     * it names another backup, has a format newer than this cpdb's, has no finish time or names no data object in its
     * folder. Empty when it proves one.
     */
    public static Optional<String> ownershipProblem(String id, BackupManifest manifest) {
        if (manifest.formatVersion() > BackupEngine.FORMAT_VERSION) {
            return Optional.of("format version " + manifest.formatVersion() + " is newer than this cpdb's ("
                    + BackupEngine.FORMAT_VERSION + "); prune with the cpdb that wrote it");
        }
        return shapeProblem(id, manifest);
    }

    /**
     * Why a manifest read from backup {@code id}'s folder does not describe a finished backup of that folder (another
     * backup's id, no finish time, no data object in the folder); empty when it does.
     */
    private static Optional<String> shapeProblem(String id, BackupManifest manifest) {
        if (!id.equals(manifest.backupId())) {
            return Optional.of("the manifest names backup " + manifest.backupId() + ", not its folder's");
        }
        if (manifest.finishedAt() == null) {
            return Optional.of("the manifest has no finish time");
        }
        if (manifest.data() == null || !BackupLayout.isSingleName(manifest.data().key())) {
            return Optional.of("the manifest names no data object in its folder");
        }
        return Optional.empty();
    }

    /** Opens backup {@code id}'s data object for streaming, empty when it is missing; the caller closes it. */
    public Optional<InputStream> readData(String id, BackupManifest manifest) throws IOException {
        return store.read(dataKey(id, manifest));
    }

    /** Pins backup {@code id}'s data object for reading it more than once as the same bytes, empty when missing. */
    public Optional<BackupStore.Pinned> pinData(String id, BackupManifest manifest) throws IOException {
        return store.pin(dataKey(id, manifest));
    }

    /** The key of backup {@code id}'s data object, for messages. */
    public static String dataKey(String id, BackupManifest manifest) {
        return BackupLayout.dataKey(id, manifest.data().key());
    }

    /**
     * Deletes a committed backup: its manifest first, so that from then on it is no backup, then its data object.
     *
     * @return empty, or why the data object could not be deleted (it stays as a leftover that retention removes)
     * @throws IOException when the manifest could not be deleted: the backup is still whole
     */
    public Optional<String> delete(String id, BackupManifest manifest) throws IOException {
        store.delete(BackupLayout.manifestKey(id));
        try {
            store.delete(dataKey(id, manifest));
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /**
     * Every committed object, grouped by the backup folder it lies in (names relative to the folder, sorted), and how
     * many objects lie outside any backup folder.
     */
    public Contents contents() throws IOException {
        Map<String, List<String>> folders = new TreeMap<>();
        int foreign = 0;
        for (StoredObject object : store.list("")) {
            Optional<String> id = BackupLayout.backupId(object.key());
            if (id.isEmpty()) {
                foreign++;
                continue;
            }
            folders.computeIfAbsent(id.get(), key -> new ArrayList<>()).add(BackupLayout.nameInFolder(object.key()));
        }
        return new Contents(folders, foreign);
    }
}
