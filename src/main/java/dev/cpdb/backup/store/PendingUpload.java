package dev.cpdb.backup.store;

import java.time.Instant;
import java.util.Optional;

/**
 * An upload that was started with {@link BackupStore#create} and neither committed nor aborted: one still being
 * written, or one a process left behind when it died. Only its age tells the two apart.
 *
 * @param key the key the upload would commit to
 * @param uploadId tells several uploads of one key apart; meaningful only to the store that listed it
 * @param lastActivity the latest time the store knows the upload was written to: the last write of a temporary file,
 *        or the start of a multipart upload (S3 tells no later time); empty when the store does not say
 */
public record PendingUpload(String key, String uploadId, Optional<Instant> lastActivity) {
}
