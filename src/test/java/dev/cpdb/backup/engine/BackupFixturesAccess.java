package dev.cpdb.backup.engine;

import java.sql.SQLException;
import java.util.Map;

import dev.cpdb.database.DatabaseUrl;

/** Gives tests outside this package the row fingerprints and the chunk size knob of {@link BackupFixtures}. */
public final class BackupFixturesAccess {

    private BackupFixturesAccess() {
    }

    public static Map<String, String> rowHashes(DatabaseUrl url) throws SQLException {
        return BackupFixtures.rowHashes(url);
    }

    /** Runs {@code work} with the backup engine splitting tables into one-block chunks. */
    public static <T> T withTinyChunks(java.util.function.Supplier<T> work) {
        return BackupFixtures.withChunkBytes(BackupFixtures.TINY_CHUNKS, work);
    }
}
