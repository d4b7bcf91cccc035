package dev.cpdb.backup.store;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Opens the store a target names: an {@code s3://bucket/prefix} URL, a {@code file://} URL or a folder path. The one
 * place that knows which stores exist; nothing above it tells them apart.
 */
@ApplicationScoped
public class BackupStores {

    private final S3BackupStores s3;

    public BackupStores(S3BackupStores s3) {
        this.s3 = s3;
    }

    /**
     * A store for a target given by an operator; makes no request yet.
     *
     * @throws IllegalArgumentException naming the target and the accepted forms when it is none of them
     */
    public BackupStore open(String target) {
        String text = target.strip();
        if (S3Location.isS3(text)) {
            return s3.open(S3Location.parse(text));
        }
        return folder(folderOf(target));
    }

    /**
     * Checks a target's form without opening it.
     *
     * @throws IllegalArgumentException naming what is wrong, with the accepted forms
     */
    public static void check(String target) {
        if (S3Location.isS3(target.strip())) {
            S3Location.parse(target.strip());
        } else {
            folderOf(target);
        }
    }

    private static Path folderOf(String target) {
        String text = target.strip();
        String folder = text.startsWith("file://") ? text.substring("file://".length()) : text;
        try {
            if (!folder.isEmpty() && !folder.contains("://")) {
                return Path.of(folder);
            }
        } catch (InvalidPathException e) {
            // Reported below like any other target that is not a folder.
        }
        throw new IllegalArgumentException("backup target '" + target + "' is neither a folder path, a file:// URL "
                + "nor an s3://bucket/prefix URL");
    }

    /** A store in a local folder, which need not exist yet. */
    public BackupStore folder(Path folder) {
        return new FilesystemBackupStore(folder);
    }
}
