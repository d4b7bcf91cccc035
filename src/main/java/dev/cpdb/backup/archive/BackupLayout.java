package dev.cpdb.backup.archive;

import java.util.Arrays;
import java.util.Optional;

import dev.cpdb.backup.BackupId;
import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.store.BackupStore;

/**
 * Where a backup's objects live in a store: one folder per backup, named by its id, holding the data object
 * ({@code data.sql.zst}, {@code data.sql.gz} or {@code data.sql}, with {@code .age} when encrypted) and the manifest
 * ({@code manifest.json}), e.g. {@code 20261125T101500Z-3f9a1c/manifest.json}.
 */
public final class BackupLayout {

    /** What the name of an encrypted data object ends with, after the compression's extension: age's own. */
    private static final String ENCRYPTED = ".age";

    private BackupLayout() {
    }

    /** The prefix of every key of backup {@code id}. */
    public static String folder(String id) {
        return id + "/";
    }

    /** The key of backup {@code id}'s manifest, whose presence makes the backup committed. */
    public static String manifestKey(String id) {
        return folder(id) + BackupManifest.FILE_NAME;
    }

    /** The key of a data object named {@code name} (as a manifest names it) in backup {@code id}'s folder. */
    public static String dataKey(String id, String name) {
        return folder(id) + name;
    }

    /** The name a backup gives its data object. */
    public static String dataName(Compression compression, boolean encrypted) {
        return "data" + compression.extension() + (encrypted ? ENCRYPTED : "");
    }

    /** Whether {@code name} (inside a backup folder) is a name backups give their data object. */
    public static boolean isDataObjectName(String name) {
        return Arrays.stream(Compression.values())
                .anyMatch(compression -> name.equals(dataName(compression, false))
                        || name.equals(dataName(compression, true)));
    }

    /**
     * Whether a manifest's data object name is one name inside its folder (not a path, not the manifest): a manifest
     * from a hostile store must not make a delete or read reach another backup's objects.
     */
    public static boolean isSingleName(String name) {
        return name != null && !name.contains("/") && !name.equals(BackupManifest.FILE_NAME)
                && BackupStore.isValidKey(name);
    }

    /** The backup folder a key lies in, when its first segment is a backup id; empty for any other key. */
    public static Optional<String> backupId(String key) {
        int slash = key.indexOf('/');
        if (slash < 0 || !BackupId.isValid(key.substring(0, slash))) {
            return Optional.empty();
        }
        return Optional.of(key.substring(0, slash));
    }

    /** The rest of a key after its backup folder. */
    public static String nameInFolder(String key) {
        return key.substring(key.indexOf('/') + 1);
    }
}
