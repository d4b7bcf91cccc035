package dev.cpdb.backup.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import dev.cpdb.backup.engine.catalog.CatalogDump;

/**
 * The engine's entry to the catalog model: which schemas a backup covers, which relations it locks, and the plan of
 * its script, all read by {@link CatalogDump} (one reader per object kind, ordered from {@code pg_depend}).
 * Blocking (JDBC).
 */
final class CatalogReader {

    private CatalogReader() {
    }

    /** See {@link CatalogDump#userSchemas(Connection)}. */
    static List<String> userSchemas(Connection connection) throws SQLException {
        return CatalogDump.userSchemas(connection);
    }

    /** See {@link CatalogDump#lockTargets(Connection, List)}. */
    static List<String> lockTargets(Connection connection, List<String> schemas) throws SQLException {
        return CatalogDump.lockTargets(connection, schemas);
    }

    /** See {@link CatalogDump#read(Connection, List, List, boolean)}. */
    static DumpPlan read(Connection connection, List<String> schemas, List<String> lockTargets,
            boolean ownersAndPrivileges) throws SQLException {
        return CatalogDump.read(connection, schemas, lockTargets, ownersAndPrivileges);
    }
}
