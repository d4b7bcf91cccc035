package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.Sql;
import dev.cpdb.backup.engine.TableData;

/**
 * The rows of extensions' configuration tables ({@code pg_extension_config_dump}): {@code CREATE EXTENSION} creates
 * such a table, but the rows users add belong to the backup. Like pg_dump, the backup copies the rows that match the
 * condition the extension registered (its own rows stay with the extension) and sets configuration sequences to their
 * values ({@link SequenceValues}). Only tables in the selected schemas are carried.
 */
final class ExtensionConfigurationReader implements ObjectReader {

    /** Configuration relations of the extensions, with their conditions: oid, schema, name, kind, condition. */
    private static final String CONFIGURATION = "SELECT c.oid, n.nspname, c.relname, c.relkind, "
            + "coalesce((e.extcondition)[x.position], '') FROM pg_catalog.pg_extension e, "
            + "pg_catalog.unnest(e.extconfig) WITH ORDINALITY x(relation, position) "
            + "JOIN pg_catalog.pg_class c ON c.oid = x.relation JOIN pg_catalog.pg_namespace n ON n.oid = "
            + "c.relnamespace WHERE n.nspname = ANY (?) AND c.relkind IN (%s) ORDER BY n.nspname, c.relname";

    @Override
    public void read(CatalogContext context) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (PreparedStatement statement = context.prepare(String.format(CONFIGURATION, "'r'"));
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                tables.add(new String[] { rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(5) });
            }
        }
        String columns = "SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = ?::pg_catalog.oid "
                + "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum";
        for (String[] table : tables) {
            List<String> names = new ArrayList<>();
            try (PreparedStatement statement = context.connection.prepareStatement(columns)) {
                statement.setString(1, table[0]);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            context.configurationTables.add(new TableData(table[1], table[2], names, table[3]));
        }
    }

    /** The values of extensions' configuration sequences, after the data. */
    static final class SequenceValues implements ObjectReader {

        @Override
        public void read(CatalogContext context) throws SQLException {
            List<String> sequences = new ArrayList<>();
            try (PreparedStatement statement = context.prepare(String.format(CONFIGURATION, "'S'"));
                    ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    sequences.add(Sql.qualified(rs.getString(2), rs.getString(3)));
                }
            }
            for (String sequence : sequences) {
                try (PreparedStatement values = context.connection.prepareStatement(
                        "SELECT last_value, is_called FROM " + sequence);
                        ResultSet value = values.executeQuery()) {
                    value.next();
                    context.postData.add("SELECT pg_catalog.setval(" + Sql.literal(sequence) + ", "
                            + value.getLong(1) + ", " + value.getBoolean(2) + ");");
                }
            }
        }
    }
}
