package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/** Functions and procedures, as the server deparses them ({@code pg_get_functiondef}). */
final class FunctionReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT p.oid, n.nspname, p.proname, pg_catalog.pg_get_functiondef(p.oid), "
                + "pg_catalog.obj_description(p.oid, 'pg_proc'), p.prokind, "
                + "pg_catalog.pg_get_function_identity_arguments(p.oid), pg_catalog.pg_get_userbyid(p.proowner) "
                + "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname = ANY (?) AND p.prokind IN ('f', 'p', 'w') AND "
                + CatalogContext.notMember("pg_proc", "p.oid")
                // Range constructors and similar functions are created with their type.
                + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = "
                + "'pg_catalog.pg_proc'::pg_catalog.regclass AND i.objid = p.oid AND i.deptype = 'i')"
                + " ORDER BY n.nspname, p.proname, p.oid";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String signature = Sql.qualified(rs.getString(2), rs.getString(3)) + "(" + rs.getString(7) + ")";
                DumpObject object = context.graph.add(ObjectId.of("pg_proc", rs.getLong(1)), Rank.FUNCTION,
                        signature);
                object.add(rs.getString(4).stripTrailing() + ";");
                String word = rs.getString(6).equals("p") ? "PROCEDURE" : "FUNCTION";
                CatalogContext.comment(object, word, signature, rs.getString(5));
                context.owned(object, word, signature, rs.getString(8), PrivilegeReader.Catalog.FUNCTION,
                        rs.getLong(1), word);
            }
        }
    }
}
