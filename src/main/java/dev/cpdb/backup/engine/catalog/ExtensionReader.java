package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.Sql;

/**
 * Extensions (but plpgsql, which every database has): {@code CREATE EXTENSION IF NOT EXISTS}, which also creates
 * every object that is a member of it, so no other reader writes those.
 */
final class ExtensionReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT e.oid, e.extname, n.nspname, pg_catalog.obj_description(e.oid, 'pg_extension') "
                + "FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
                + "WHERE e.extname <> 'plpgsql' ORDER BY e.extname";
        try (PreparedStatement statement = context.connection.prepareStatement(sql);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                DumpObject object = context.graph.add(ObjectId.of("pg_extension", rs.getLong(1)), Rank.EXTENSION,
                        rs.getString(2));
                object.add("CREATE EXTENSION IF NOT EXISTS " + Sql.ident(rs.getString(2)) + " WITH SCHEMA "
                        + Sql.ident(rs.getString(3)) + ";");
                CatalogContext.comment(object, "EXTENSION", Sql.ident(rs.getString(2)), rs.getString(4));
            }
        }
    }
}
