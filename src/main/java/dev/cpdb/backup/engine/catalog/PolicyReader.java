package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.Sql;

/**
 * Row-level security switches and policies after the data.
 */
final class PolicyReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        writePolicies(context);
    }

    private static void writePolicies(CatalogContext context) throws SQLException {
        for (Relation relation : context.sortedRelations()) {
            if (relation.rowSecurity) {
                context.postData.add("ALTER TABLE " + relation.qualified() + " ENABLE ROW LEVEL SECURITY;");
            }
            if (relation.forceRowSecurity) {
                context.postData.add("ALTER TABLE " + relation.qualified() + " FORCE ROW LEVEL SECURITY;");
            }
        }
        String sql = "SELECT p.polrelid, p.polname, p.polpermissive, p.polcmd, "
                + "CASE WHEN p.polroles = '{0}' THEN 'PUBLIC' ELSE (SELECT pg_catalog.string_agg("
                + "pg_catalog.quote_ident(r.rolname), ', ' ORDER BY r.rolname) FROM pg_catalog.pg_roles r "
                + "WHERE r.oid = ANY (p.polroles)) END, pg_catalog.pg_get_expr(p.polqual, p.polrelid), "
                + "pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), pg_catalog.obj_description(p.oid, 'pg_policy') "
                + "FROM pg_catalog.pg_policy p WHERE p.polrelid = ANY (?) "
                + "ORDER BY p.polrelid::pg_catalog.regclass::text, p.polname";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = context.relations.get(rs.getLong(1));
                String command = switch (rs.getString(4)) {
                    case "r" -> "SELECT";
                    case "a" -> "INSERT";
                    case "w" -> "UPDATE";
                    case "d" -> "DELETE";
                    default -> "ALL";
                };
                StringBuilder ddl = new StringBuilder("CREATE POLICY ").append(Sql.ident(rs.getString(2)))
                        .append(" ON ").append(table.qualified())
                        .append(rs.getBoolean(3) ? " AS PERMISSIVE" : " AS RESTRICTIVE")
                        .append(" FOR ").append(command)
                        .append(" TO ").append(rs.getString(5));
                if (rs.getString(6) != null) {
                    ddl.append(" USING (").append(rs.getString(6)).append(")");
                }
                if (rs.getString(7) != null) {
                    ddl.append(" WITH CHECK (").append(rs.getString(7)).append(")");
                }
                context.postData.add(ddl.append(";").toString());
                if (rs.getString(8) != null) {
                    context.postData.add("COMMENT ON POLICY " + Sql.ident(rs.getString(2)) + " ON " + table.qualified()
                            + " IS " + Sql.literal(rs.getString(8)) + ";");
                }
            }
        }
    }
}
