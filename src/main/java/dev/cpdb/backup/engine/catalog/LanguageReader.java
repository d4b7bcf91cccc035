package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/**
 * Procedural languages that no extension created ({@code CREATE [TRUSTED] PROCEDURAL LANGUAGE ... HANDLER}), with
 * comments, owners and privileges. The functions written in one depend on it, so the dependency graph creates it
 * first.
 */
final class LanguageReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT l.oid, l.lanname, l.lanpltrusted, " + ForeignDataWrapperReader.function("l.lanplcallfoid")
                + ", " + ForeignDataWrapperReader.function("l.laninline") + ", "
                + ForeignDataWrapperReader.function("l.lanvalidator") + ", pg_catalog.obj_description(l.oid, "
                + "'pg_language'), pg_catalog.pg_get_userbyid(l.lanowner) FROM pg_catalog.pg_language l "
                + "WHERE l.lanispl AND l.oid >= 16384 AND " + CatalogContext.notMember("pg_language", "l.oid")
                + " ORDER BY l.lanname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.ident(rs.getString(2));
                DumpObject object = context.graph.add(ObjectId.of("pg_language", rs.getLong(1)), Rank.LANGUAGE,
                        rs.getString(2));
                StringBuilder ddl = new StringBuilder("CREATE ");
                if (rs.getBoolean(3)) {
                    ddl.append("TRUSTED ");
                }
                ddl.append("PROCEDURAL LANGUAGE ").append(name).append(" HANDLER ").append(rs.getString(4));
                if (rs.getString(5) != null) {
                    ddl.append(" INLINE ").append(rs.getString(5));
                }
                if (rs.getString(6) != null) {
                    ddl.append(" VALIDATOR ").append(rs.getString(6));
                }
                object.add(ddl.append(";").toString());
                CatalogContext.comment(object, "LANGUAGE", name, rs.getString(7));
                context.owned(object, "LANGUAGE", name, rs.getString(8), PrivilegeReader.Catalog.LANGUAGE,
                        rs.getLong(1), "LANGUAGE");
            }
        }
    }
}
