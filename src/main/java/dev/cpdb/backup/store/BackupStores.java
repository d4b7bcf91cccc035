package dev.cpdb.backup.store;

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
        String folder = text.startsWith("file://") ? text.substring("file://".length()) : text;
        if (folder.isEmpty() || folder.contains("://")) {
            throw new IllegalArgumentException("backup target '" + target + "' is neither a folder path, a file:// URL "
                    + "nor an s3://bucket/prefix URL");
        }
        return folder(Path.of(folder));
    }

    /** A store in a local folder, which need not exist yet. */
    public BackupStore folder(Path folder) {
        return new FilesystemBackupStore(folder);
    }
}
