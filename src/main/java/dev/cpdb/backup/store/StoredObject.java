package dev.cpdb.backup.store;

import java.time.Instant;

/**
 * A committed object as a {@linkplain BackupStore#list listing} shows it.
 *
 * @param key the object's key, relative to the store
 * @param size its length in bytes
 * @param lastModified when it was committed (replaced objects: their last commit), as the store records it
 */
public record StoredObject(String key, long size, Instant lastModified) {
}
