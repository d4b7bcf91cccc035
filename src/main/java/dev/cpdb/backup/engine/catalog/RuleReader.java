package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.Sql;

/**
 * Rules on tables and views (but the {@code _RETURN} rule that makes a view), after the data as pg_dump writes them,
 * with their enabled state and comments.
 */
final class RuleReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT r.ev_class, r.rulename, pg_catalog.pg_get_ruledef(r.oid), r.ev_enabled, "
                + "pg_catalog.obj_description(r.oid, 'pg_rewrite') FROM pg_catalog.pg_rewrite r "
                + "WHERE r.ev_class = ANY (?) AND r.rulename <> '_RETURN' "
                + "ORDER BY r.ev_class::pg_catalog.regclass::text, r.rulename";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation relation = context.relations.get(rs.getLong(1));
                String name = Sql.ident(rs.getString(2));
                String definition = rs.getString(3).strip();
                context.postData.add(definition.endsWith(";") ? definition : definition + ";");
                String alter = "ALTER TABLE " + relation.qualified();
                switch (rs.getString(4)) {
                    case "D" -> context.postData.add(alter + " DISABLE RULE " + name + ";");
                    case "R" -> context.postData.add(alter + " ENABLE REPLICA RULE " + name + ";");
                    case "A" -> context.postData.add(alter + " ENABLE ALWAYS RULE " + name + ";");
                    default -> {
                        // 'O': enabled, the default
                    }
                }
                if (rs.getString(5) != null) {
                    context.postData.add("COMMENT ON RULE " + name + " ON " + relation.qualified() + " IS "
                            + Sql.literal(rs.getString(5)) + ";");
                }
            }
        }
    }
}
