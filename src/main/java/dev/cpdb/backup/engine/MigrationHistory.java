package dev.cpdb.backup.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads which migrations a database has applied, for the manifest: the core Flyway history and, when present, the
 * plugin migration registry. Databases that are not cpdb's simply have neither.
 */
final class MigrationHistory {

    private MigrationHistory() {
    }

    /** Applied core versions, oldest first; empty when there is no Flyway history. */
    static List<String> core(Connection connection) throws SQLException {
        if (!exists(connection, "public.flyway_schema_history")) {
            return List.of();
        }
        List<String> versions = new ArrayList<>();
        for (List<String> row : query(connection, "SELECT version FROM public.flyway_schema_history "
                + "WHERE success AND version IS NOT NULL ORDER BY installed_rank")) {
            versions.add(row.get(0));
        }
        return versions;
    }

    /** Applied migrations per plugin; empty when there is no plugin registry or it has another shape. */
    static Map<String, List<String>> plugins(Connection connection) throws SQLException {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (!exists(connection, "public.plugin_migrations")) {
            return result;
        }
        // The registry belongs to the plugin feature; read it defensively inside a savepoint so an unexpected
        // shape cannot abort the backup's snapshot transaction.
        Savepoint savepoint = connection.setSavepoint();
        try {
            for (List<String> row : query(connection, "SELECT plugin_key::text, migration_key::text "
                    + "FROM public.plugin_migrations WHERE status::text = 'applied' ORDER BY 1, 2")) {
                result.computeIfAbsent(row.get(0), key -> new ArrayList<>()).add(row.get(1));
            }
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            connection.rollback(savepoint);
            result.clear();
        }
        return result;
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        return query(connection, "SELECT pg_catalog.to_regclass('" + table + "') IS NOT NULL").get(0).get(0)
                .equals("t");
    }

    private static List<List<String>> query(Connection connection, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
