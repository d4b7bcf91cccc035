package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.Sql;

/**
 * Operators, infix and prefix, with commutator, negator, selectivity estimators and hash/merge support. A commutator
 * or negator not created yet is made a shell by PostgreSQL and filled in when its own definition runs.
 */
final class OperatorReader implements ObjectReader {

    /** An operator as {@code OPERATOR(schema.name)}, which every operator clause accepts. */
    static String reference(String oidColumn) {
        return "(SELECT 'OPERATOR(' || pg_catalog.quote_ident(rn.nspname) || '.' || r.oprname || ')' "
                + "FROM pg_catalog.pg_operator r JOIN pg_catalog.pg_namespace rn ON rn.oid = r.oprnamespace "
                + "WHERE r.oid = " + oidColumn + ")";
    }

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT o.oid, n.nspname, o.oprname, o.oprkind, "
                + "CASE WHEN o.oprleft <> 0 THEN pg_catalog.format_type(o.oprleft, NULL) END, "
                + "pg_catalog.format_type(o.oprright, NULL), o.oprcode::pg_catalog.regproc::text, "
                + reference("o.oprcom") + ", " + reference("o.oprnegate") + ", "
                + "CASE WHEN o.oprrest <> 0 THEN o.oprrest::pg_catalog.regproc::text END, "
                + "CASE WHEN o.oprjoin <> 0 THEN o.oprjoin::pg_catalog.regproc::text END, "
                + "o.oprcanhash, o.oprcanmerge, pg_catalog.obj_description(o.oid, 'pg_operator'), "
                + "pg_catalog.pg_get_userbyid(o.oprowner) "
                + "FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace "
                + "WHERE n.nspname = ANY (?) AND o.oprcode <> 0 AND " + CatalogContext.notMember("pg_operator", "o.oid")
                + " ORDER BY n.nspname, o.oprname, 5, 6";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.ident(rs.getString(2)) + "." + rs.getString(3);
                String signature = name + " (" + (rs.getString(5) == null ? "NONE" : rs.getString(5)) + ", "
                        + rs.getString(6) + ")";
                DumpObject object = context.graph.add(ObjectId.of("pg_operator", rs.getLong(1)), Rank.OPERATOR,
                        signature);
                List<String> options = new ArrayList<>();
                options.add("FUNCTION = " + rs.getString(7));
                if (rs.getString(5) != null) {
                    options.add("LEFTARG = " + rs.getString(5));
                }
                options.add("RIGHTARG = " + rs.getString(6));
                if (rs.getString(8) != null) {
                    options.add("COMMUTATOR = " + rs.getString(8));
                }
                if (rs.getString(9) != null) {
                    options.add("NEGATOR = " + rs.getString(9));
                }
                if (rs.getString(10) != null) {
                    options.add("RESTRICT = " + rs.getString(10));
                }
                if (rs.getString(11) != null) {
                    options.add("JOIN = " + rs.getString(11));
                }
                if (rs.getBoolean(12)) {
                    options.add("HASHES");
                }
                if (rs.getBoolean(13)) {
                    options.add("MERGES");
                }
                object.add("CREATE OPERATOR " + name + " (\n    " + String.join(",\n    ", options) + "\n);");
                CatalogContext.comment(object, "OPERATOR", signature, rs.getString(14));
                context.owner(object, "OPERATOR", signature, rs.getString(15));
            }
        }
    }
}
