package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.Sql;

/**
 * Extended statistics objects after the data, with their owners.
 */
final class StatisticsReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        writeStatistics(context);
    }

    private static void writeStatistics(CatalogContext context) throws SQLException {
        String sql = "SELECT pg_catalog.pg_get_statisticsobjdef(s.oid), n.nspname, s.stxname, "
                + "pg_catalog.pg_get_userbyid(s.stxowner) FROM pg_catalog.pg_statistic_ext s "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace WHERE n.nspname = ANY (?) "
                + "ORDER BY n.nspname, s.stxname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                context.postData.add(rs.getString(1) + ";");
                if (context.ownersAndPrivileges) {
                    context.postData
                            .add("ALTER STATISTICS " + Sql.qualified(rs.getString(2), rs.getString(3)) + " OWNER TO "
                                    + Sql.ident(rs.getString(4)) + ";");
                }
            }
        }
    }
}
