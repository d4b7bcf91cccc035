package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/**
 * Foreign-data wrappers that no extension created ({@code CREATE FOREIGN DATA WRAPPER} with handler, validator and
 * options), with comments, owners and privileges. A wrapper is database-wide; every one is carried, as pg_dump does
 * without schema selection, because the servers and foreign tables of the selected schemas need it.
 */
final class ForeignDataWrapperReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT w.oid, w.fdwname, " + function("w.fdwhandler") + ", " + function("w.fdwvalidator")
                + ", " + ForeignOptions.sql("w.fdwoptions") + ", pg_catalog.obj_description(w.oid, "
                + "'pg_foreign_data_wrapper'), pg_catalog.pg_get_userbyid(w.fdwowner) "
                + "FROM pg_catalog.pg_foreign_data_wrapper w WHERE "
                + CatalogContext.notMember("pg_foreign_data_wrapper", "w.oid") + " ORDER BY w.fdwname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.ident(rs.getString(2));
                DumpObject object = context.graph.add(ObjectId.of("pg_foreign_data_wrapper", rs.getLong(1)),
                        Rank.FOREIGN_DATA, rs.getString(2));
                StringBuilder ddl = new StringBuilder("CREATE FOREIGN DATA WRAPPER ").append(name);
                if (rs.getString(3) != null) {
                    ddl.append(" HANDLER ").append(rs.getString(3));
                }
                if (rs.getString(4) != null) {
                    ddl.append(" VALIDATOR ").append(rs.getString(4));
                }
                object.add(ddl.append(ForeignOptions.clause(rs.getString(5))).append(";").toString());
                CatalogContext.comment(object, "FOREIGN DATA WRAPPER", name, rs.getString(6));
                context.owned(object, "FOREIGN DATA WRAPPER", name, rs.getString(7),
                        PrivilegeReader.Catalog.FOREIGN_DATA_WRAPPER, rs.getLong(1), "FOREIGN DATA WRAPPER");
            }
        }
    }

    /** The qualified, quoted name of a function referenced by oid, or null for none. */
    static String function(String column) {
        return "(SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) "
                + "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE p.oid = " + column + ")";
    }
}
