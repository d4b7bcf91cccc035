package dev.cpdb.backup.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where backups are kept: a flat namespace of objects addressed by keys such as
 * {@code 20261125T101500Z-3f9a1c/data.sql.zst}. Implementations exist for a local folder and for S3-compatible
 * object storage; both follow the contract below.
 *
 * <ul>
 * <li>Keys use {@code /} as separator, never start with {@code /} and never contain {@code ..} or empty
 * segments; other keys are refused with {@link IllegalArgumentException}.</li>
 * <li>An object written with {@link #create(String)} is invisible (to {@link #read}, {@link #list}, {@link #exists})
 * until {@link Upload#commit()} returns; {@link Upload#abort()} or a crash leaves no visible object.</li>
 * <li>Committing or writing an existing key replaces it whole; readers see the old or the new object, never a mix.</li>
 * <li>{@link #read} of a missing key is empty, not an error; {@link #delete} of a missing key does nothing.</li>
 * <li>{@link #list} returns every committed object below a prefix (key, size, time of commit), sorted by key, however
 * many there are; the store's own bookkeeping (temporary files, parts) is never listed.</li>
 * <li>{@link #pendingUploads} returns the uploads below a prefix that were started and neither committed nor aborted,
 * from the moment the store holds any of their bytes (a folder at once, S3 from the first part; a smaller S3 object
 * is sent whole at commit and never pending). {@link #discard} drops one: afterwards it is neither listed nor can
 * it be committed any more. Discarding what is gone already does nothing.</li>
 * <li>{@link #pin} reads one object several times as the same bytes: a stream opened from the pin yields the object
 * as it was when pinned, or fails, even if the key was replaced or deleted since.</li>
 * </ul>
 */
public interface BackupStore {

    /**
     * Where the store points, for messages, e.g. {@code /var/lib/cpdb/instances/default/backups} or
     * {@code s3://bucket/prefix}.
     */
    String location();

    /** Starts a new object. The caller writes to {@link Upload#stream()}, then commits or aborts. */
    Upload create(String key) throws IOException;

    /** Writes a small object in one step, atomically. */
    void write(String key, byte[] content) throws IOException;

    /** Opens an object for streaming, or empty when it does not exist; the caller closes the stream. */
    Optional<InputStream> read(String key) throws IOException;

    /**
     * Opens an object for reading more than once as the same bytes (see the contract above), or empty when it does
     * not exist; the caller closes the pin.
     */
    Optional<Pinned> pin(String key) throws IOException;

    /** Whether a committed object exists. */
    boolean exists(String key) throws IOException;

    /** Size in bytes of a committed object, empty when missing. */
    Optional<Long> size(String key) throws IOException;

    /** Every committed object whose key starts with {@code prefix} ("" for all), sorted by key. */
    List<StoredObject> list(String prefix) throws IOException;

    /** Deletes a committed object; missing keys are ignored. */
    void delete(String key) throws IOException;

    /**
     * Every upload whose key starts with {@code prefix} ("" for all) that was started and neither committed nor
     * aborted: uploads in progress, here or in another process, and those of processes that died.
     */
    List<PendingUpload> pendingUploads(String prefix) throws IOException;

    /**
     * Drops an upload found by {@link #pendingUploads} and what it holds. The caller decides that it is abandoned: an
     * upload still being written fails when it commits. An upload that is gone already is ignored.
     */
    void discard(PendingUpload upload) throws IOException;

    /**
     * The folder on this machine that holds the objects, for stores kept on a local file system (whose volume an
     * operator must keep and share); empty for remote stores.
     */
    default Optional<Path> localFolder() {
        return Optional.empty();
    }

    /** One version of an object, which can be read from the start again and again. */
    interface Pinned extends AutoCloseable {

        /** A new stream over the pinned object from its first byte; the caller closes it. */
        InputStream open() throws IOException;

        /** Releases what the pin holds (an open file); streams opened from it fail afterwards. */
        @Override
        void close() throws IOException;
    }

    /** An object being written. */
    interface Upload extends AutoCloseable {

        /** Where the object's bytes go; closing it does not commit. */
        OutputStream stream();

        /** Makes the object visible under its key, durably. After a failed commit nothing is visible. */
        void commit() throws IOException;

        /** Drops what was written; safe to call after a failure, and after commit (then it does nothing). */
        void abort();

        /** Aborts unless committed. */
        @Override
        default void close() {
            abort();
        }
    }

    /** Whether a key meets the contract (see {@link #requireValidKey}). */
    static boolean isValidKey(String key) {
        try {
            requireValidKey(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Checks a key against the contract. */
    static String requireValidKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("//")
                || key.contains("\\") || key.contains("\0")) {
            throw new IllegalArgumentException("invalid object key '" + key + "'");
        }
        for (String segment : key.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new IllegalArgumentException("invalid object key '" + key + "'");
            }
        }
        return key;
    }
}
