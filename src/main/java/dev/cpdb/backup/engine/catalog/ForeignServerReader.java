package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/**
 * Foreign servers that no extension created ({@code CREATE SERVER} with type, version and options), with comments,
 * owners and privileges. Database-wide, all carried (see {@link ForeignDataWrapperReader}).
 */
final class ForeignServerReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT s.oid, s.srvname, w.fdwname, s.srvtype, s.srvversion, "
                + ForeignOptions.sql("s.srvoptions") + ", pg_catalog.obj_description(s.oid, 'pg_foreign_server'), "
                + "pg_catalog.pg_get_userbyid(s.srvowner) FROM pg_catalog.pg_foreign_server s "
                + "JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE "
                + CatalogContext.notMember("pg_foreign_server", "s.oid") + " ORDER BY s.srvname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.ident(rs.getString(2));
                DumpObject object = context.graph.add(ObjectId.of("pg_foreign_server", rs.getLong(1)),
                        Rank.FOREIGN_DATA, rs.getString(2));
                StringBuilder ddl = new StringBuilder("CREATE SERVER ").append(name);
                if (rs.getString(4) != null) {
                    ddl.append(" TYPE ").append(Sql.literal(rs.getString(4)));
                }
                if (rs.getString(5) != null) {
                    ddl.append(" VERSION ").append(Sql.literal(rs.getString(5)));
                }
                ddl.append(" FOREIGN DATA WRAPPER ").append(Sql.ident(rs.getString(3)));
                object.add(ddl.append(ForeignOptions.clause(rs.getString(6))).append(";").toString());
                CatalogContext.comment(object, "SERVER", name, rs.getString(7));
                context.owned(object, "SERVER", name, rs.getString(8), PrivilegeReader.Catalog.FOREIGN_SERVER,
                        rs.getLong(1), "FOREIGN SERVER");
            }
        }
    }
}
