package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.Sql;

/**
 * Triggers (but internal and partition clones) after the data, with their enabled state and comments.
 */
final class TriggerReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        writeTriggers(context);
    }

    private static void writeTriggers(CatalogContext context) throws SQLException {
        String sql = "SELECT t.tgrelid, pg_catalog.pg_get_triggerdef(t.oid, false), t.tgname, t.tgenabled, "
                + "pg_catalog.obj_description(t.oid, 'pg_trigger') FROM pg_catalog.pg_trigger t "
                + "WHERE t.tgrelid = ANY (?) AND NOT t.tgisinternal AND t.tgparentid = 0 "
                + "ORDER BY t.tgrelid::pg_catalog.regclass::text, t.tgname";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = context.relations.get(rs.getLong(1));
                String name = Sql.ident(rs.getString(3));
                context.postData.add(rs.getString(2) + ";");
                switch (rs.getString(4)) {
                    case "D" ->
                        context.postData.add("ALTER TABLE " + table.qualified() + " DISABLE TRIGGER " + name + ";");
                    case "R" ->
                        context.postData.add("ALTER TABLE " + table.qualified() + " ENABLE REPLICA TRIGGER " + name
                                + ";");
                    case "A" ->
                        context.postData.add("ALTER TABLE " + table.qualified() + " ENABLE ALWAYS TRIGGER " + name
                                + ";");
                    default -> {
                        // 'O': enabled, the default
                    }
                }
                if (rs.getString(5) != null) {
                    context.postData.add("COMMENT ON TRIGGER " + name + " ON " + table.qualified() + " IS "
                            + Sql.literal(rs.getString(5)) + ";");
                }
            }
        }
    }
}
