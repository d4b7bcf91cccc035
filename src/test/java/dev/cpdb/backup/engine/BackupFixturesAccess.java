package dev.cpdb.backup.engine;

import java.sql.SQLException;
import java.util.Map;

import dev.cpdb.database.DatabaseUrl;

/** Gives tests outside this package the row fingerprints, the pg_dump schema comparison and the chunk size knob of {@link BackupFixtures}. */
public final class BackupFixturesAccess {

    private BackupFixturesAccess() {
    }

    public static Map<String, String> rowHashes(DatabaseUrl url) throws SQLException {
        return BackupFixtures.rowHashes(url);
    }

    /** Loads the shared fixture with psql. */
    public static void loadFixture(DatabaseUrl url) {
        BackupFixtures.loadFixture(url);
    }

    /** Loads the realistic application fixture ({@code backup/application.sql}) with psql. */
    public static void loadApplicationFixture(DatabaseUrl url) {
        BackupFixtures.loadApplicationFixture(url);
    }

    /** pg_dump's schema-only output, without owners and privileges, ready to compare. */
    public static String comparableSchema(DatabaseUrl url) {
        return BackupFixtures.comparableSchema(url);
    }

    /** Runs {@code work} with the backup engine splitting tables into one-block chunks. */
    public static <T> T withTinyChunks(java.util.function.Supplier<T> work) {
        return BackupFixtures.withChunkBytes(BackupFixtures.TINY_CHUNKS, work);
    }
}
