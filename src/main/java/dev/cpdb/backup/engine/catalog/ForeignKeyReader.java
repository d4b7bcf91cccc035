package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.Sql;

/**
 * Foreign keys after the data (so cycles between tables need no special care), then the comments on CHECK
 * constraints, which may have been added late.
 */
final class ForeignKeyReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        writeForeignKeys(context);
    }

    private static void writeForeignKeys(CatalogContext context) throws SQLException {
        String sql = "SELECT c.conrelid, c.conname, pg_catalog.pg_get_constraintdef(c.oid), "
                + "pg_catalog.obj_description(c.oid, 'pg_constraint') FROM pg_catalog.pg_constraint c "
                + "WHERE c.conrelid = ANY (?) AND c.contype = 'f' AND c.conparentid = 0 "
                + "ORDER BY c.conrelid::pg_catalog.regclass::text, c.conname";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = context.relations.get(rs.getLong(1));
                String only = table.kind == 'p' ? "" : "ONLY ";
                context.postData
                        .add("ALTER TABLE " + only + table.qualified() + " ADD CONSTRAINT " + Sql.ident(rs.getString(2))
                                + " " + rs.getString(3) + ";");
                if (rs.getString(4) != null) {
                    context.postData
                            .add("COMMENT ON CONSTRAINT " + Sql.ident(rs.getString(2)) + " ON " + table.qualified()
                                    + " IS " + Sql.literal(rs.getString(4)) + ";");
                }
            }
        }
        for (Relation relation : context.sortedRelations()) {
            context.postData.addAll(relation.constraintComments);
        }
    }
}
