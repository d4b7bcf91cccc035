package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.BackupException;
import dev.cpdb.backup.engine.Sql;

/**
 * User mappings of the carried servers ({@code CREATE USER MAPPING FOR role|PUBLIC SERVER ... OPTIONS}). Their
 * options (often credentials) are readable in {@code pg_user_mapping} by superusers only; a backup by another role
 * that would have to leave them out is refused, naming the mappings.
 */
final class UserMappingReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String servers = "FROM pg_catalog.%s u JOIN pg_catalog.pg_foreign_server s ON s.oid = u.%s WHERE "
                + CatalogContext.notMember("pg_foreign_server", "s.oid");
        if (!readable(context)) {
            List<String> hidden = new ArrayList<>();
            try (PreparedStatement statement = context.prepare("SELECT 'user mapping for ' || u.usename || "
                    + "' on server ' || s.srvname " + String.format(servers, "pg_user_mappings", "srvid")
                    + " ORDER BY 1"); ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    hidden.add(rs.getString(1));
                }
            }
            if (!hidden.isEmpty()) {
                throw new BackupException("reading the schema", "only a superuser can read the options of "
                        + String.join(", ", hidden) + "; take the backup as a superuser", false);
            }
            return;
        }
        String sql = "SELECT u.oid, s.srvname, CASE WHEN u.umuser = 0 THEN NULL ELSE "
                + "pg_catalog.pg_get_userbyid(u.umuser) END, " + ForeignOptions.sql("u.umoptions") + " "
                + String.format(servers, "pg_user_mapping", "umserver") + " ORDER BY s.srvname, 3 NULLS FIRST";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String role = rs.getString(3) == null ? "PUBLIC" : Sql.ident(rs.getString(3));
                DumpObject object = context.graph.add(ObjectId.of("pg_user_mapping", rs.getLong(1)),
                        Rank.FOREIGN_DATA, rs.getString(2) + " " + role);
                object.add("CREATE USER MAPPING FOR " + role + " SERVER " + Sql.ident(rs.getString(2))
                        + ForeignOptions.clause(rs.getString(4)) + ";");
            }
        }
    }

    private static boolean readable(CatalogContext context) throws SQLException {
        try (PreparedStatement statement = context.connection.prepareStatement(
                "SELECT pg_catalog.has_table_privilege('pg_catalog.pg_user_mapping', 'SELECT')");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
