package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.BackupException;

/**
 * The object kinds of the selected schemas that no reader carries yet. A backup of a database holding one is
 * refused, naming each such object, so that a backup never silently leaves something out.
 */
final class UnsupportedObjects {

    /** One query per kind, each returning the names of its objects in the schemas bound to every parameter. */
    static final List<String> QUERIES = List.of(
            "SELECT 'foreign table ' || c.oid::pg_catalog.regclass::text FROM pg_catalog.pg_class c "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'f' "
                    + "AND n.nspname = ANY (?)");

    private UnsupportedObjects() {
    }

    /** @throws BackupException naming every object of a kind not carried yet */
    static void refuse(CatalogContext context) throws SQLException {
        List<String> unsupported = new ArrayList<>();
        for (String query : QUERIES) {
            try (PreparedStatement statement = context.prepare(query); ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    unsupported.add(rs.getString(1));
                }
            }
        }
        if (!unsupported.isEmpty()) {
            throw new BackupException("reading the schema", "the database holds objects that cpdb backups cannot "
                    + "carry yet, so no backup is taken rather than an incomplete one: "
                    + String.join(", ", unsupported), false);
        }
    }
}
