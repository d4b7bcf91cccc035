package dev.cpdb.backup.engine;

import java.sql.SQLException;
import java.util.Map;

import dev.cpdb.database.DatabaseUrl;

/** Gives tests outside this package the row fingerprints of {@link BackupFixtures}. */
public final class BackupFixturesAccess {

    private BackupFixturesAccess() {
    }

    public static Map<String, String> rowHashes(DatabaseUrl url) throws SQLException {
        return BackupFixtures.rowHashes(url);
    }
}
