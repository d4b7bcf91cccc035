package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.Sql;

/** Encoding conversions, default or not, with their comments and owners. */
final class ConversionReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT c.oid, n.nspname, c.conname, c.condefault, "
                + "pg_catalog.pg_encoding_to_char(c.conforencoding), pg_catalog.pg_encoding_to_char(c.contoencoding), "
                + "c.conproc::pg_catalog.regproc::text, pg_catalog.obj_description(c.oid, 'pg_conversion'), "
                + "pg_catalog.pg_get_userbyid(c.conowner) "
                + "FROM pg_catalog.pg_conversion c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace "
                + "WHERE n.nspname = ANY (?) AND " + CatalogContext.notMember("pg_conversion", "c.oid")
                + " ORDER BY n.nspname, c.conname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.qualified(rs.getString(2), rs.getString(3));
                DumpObject object = context.graph.add(ObjectId.of("pg_conversion", rs.getLong(1)), Rank.CONVERSION,
                        rs.getString(2) + "." + rs.getString(3));
                object.add("CREATE " + (rs.getBoolean(4) ? "DEFAULT " : "") + "CONVERSION " + name + " FOR "
                        + Sql.literal(rs.getString(5)) + " TO " + Sql.literal(rs.getString(6)) + " FROM "
                        + rs.getString(7) + ";");
                CatalogContext.comment(object, "CONVERSION", name, rs.getString(8));
                context.owner(object, "CONVERSION", name, rs.getString(9));
            }
        }
    }
}
