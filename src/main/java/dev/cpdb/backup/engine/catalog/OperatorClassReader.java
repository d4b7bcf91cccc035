package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.Sql;

/**
 * Operator families and operator classes. A family is created on its own, with its loose members (those that
 * {@code pg_depend} ties to the family rather than to a class, e.g. added by {@code ALTER OPERATOR FAMILY ... ADD})
 * added right after; a class names its family when it is not the one of its own name, which
 * {@code CREATE OPERATOR CLASS} would otherwise use or create.
 */
final class OperatorClassReader implements ObjectReader {

    private static final String QUALIFIED = "pg_catalog.quote_ident(%2$s.nspname) || '.' || "
            + "pg_catalog.quote_ident(%1$s)";

    @Override
    public void read(CatalogContext context) throws SQLException {
        families(context);
        classes(context);
    }

    private static void families(CatalogContext context) throws SQLException {
        String sql = "SELECT f.oid, n.nspname, f.opfname, a.amname, pg_catalog.obj_description(f.oid, 'pg_opfamily'), "
                + "pg_catalog.pg_get_userbyid(f.opfowner) FROM pg_catalog.pg_opfamily f "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod "
                + "WHERE n.nspname = ANY (?) AND " + CatalogContext.notMember("pg_opfamily", "f.oid")
                + " ORDER BY n.nspname, f.opfname, a.amname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.qualified(rs.getString(2), rs.getString(3)) + " USING " + Sql.ident(rs.getString(4));
                DumpObject object = context.graph.add(ObjectId.of("pg_opfamily", rs.getLong(1)),
                        Rank.OPERATOR_FAMILY, name);
                object.add("CREATE OPERATOR FAMILY " + name + ";");
                List<String> members = members(context, "pg_opfamily", rs.getLong(1), "a");
                if (!members.isEmpty()) {
                    object.add("ALTER OPERATOR FAMILY " + name + " ADD\n    " + String.join(",\n    ", members) + ";");
                }
                CatalogContext.comment(object, "OPERATOR FAMILY", name, rs.getString(5));
                context.owner(object, "OPERATOR FAMILY", name, rs.getString(6));
            }
        }
    }

    private static void classes(CatalogContext context) throws SQLException {
        String sql = "SELECT c.oid, n.nspname, c.opcname, a.amname, c.opcdefault, "
                + "pg_catalog.format_type(c.opcintype, NULL), "
                + "CASE WHEN c.opckeytype <> 0 THEN pg_catalog.format_type(c.opckeytype, NULL) END, "
                + "CASE WHEN f.opfname <> c.opcname OR f.opfnamespace <> c.opcnamespace THEN "
                + String.format(QUALIFIED, "f.opfname", "fn") + " END, "
                + "pg_catalog.obj_description(c.oid, 'pg_opclass'), pg_catalog.pg_get_userbyid(c.opcowner) "
                + "FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace "
                + "JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily "
                + "JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace "
                + "WHERE n.nspname = ANY (?) AND " + CatalogContext.notMember("pg_opclass", "c.oid")
                + " ORDER BY n.nspname, c.opcname, a.amname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.qualified(rs.getString(2), rs.getString(3)) + " USING " + Sql.ident(rs.getString(4));
                DumpObject object = context.graph.add(ObjectId.of("pg_opclass", rs.getLong(1)),
                        Rank.OPERATOR_CLASS, name);
                List<String> items = members(context, "pg_opclass", rs.getLong(1), "i");
                if (rs.getString(7) != null) {
                    items.add("STORAGE " + rs.getString(7));
                }
                object.add("CREATE OPERATOR CLASS " + Sql.qualified(rs.getString(2), rs.getString(3))
                        + (rs.getBoolean(5) ? " DEFAULT" : "") + " FOR TYPE " + rs.getString(6) + " USING "
                        + Sql.ident(rs.getString(4)) + (rs.getString(8) == null ? "" : " FAMILY " + rs.getString(8))
                        + " AS\n    " + String.join(",\n    ", items) + ";");
                CatalogContext.comment(object, "OPERATOR CLASS", name, rs.getString(9));
                context.owner(object, "OPERATOR CLASS", name, rs.getString(10));
            }
        }
    }

    /**
     * The operators and support functions {@code pg_depend} ties to a class or family with {@code deptype}, as
     * the clauses of {@code CREATE OPERATOR CLASS} and {@code ALTER OPERATOR FAMILY ... ADD}.
     */
    private static List<String> members(CatalogContext context, String catalog, long oid, String deptype)
            throws SQLException {
        String sql = "SELECT 1, o.amopstrategy, 'OPERATOR ' || o.amopstrategy || ' ' "
                + "|| o.amopopr::pg_catalog.regoperator::text || CASE WHEN o.amoppurpose = 'o' THEN ' FOR ORDER BY ' "
                + "|| (SELECT " + String.format(QUALIFIED, "sf.opfname", "sn") + " FROM pg_catalog.pg_opfamily sf "
                + "JOIN pg_catalog.pg_namespace sn ON sn.oid = sf.opfnamespace WHERE sf.oid = o.amopsortfamily) "
                + "ELSE '' END, pg_catalog.format_type(o.amoplefttype, NULL), "
                + "pg_catalog.format_type(o.amoprighttype, NULL) "
                + "FROM pg_catalog.pg_amop o JOIN pg_catalog.pg_depend d ON d.classid = "
                + "'pg_catalog.pg_amop'::pg_catalog.regclass AND d.objid = o.oid "
                + "WHERE d.refclassid = 'pg_catalog." + catalog + "'::pg_catalog.regclass AND d.refobjid = ? "
                + "AND d.deptype = '" + deptype + "' "
                + "UNION ALL SELECT 2, p.amprocnum, 'FUNCTION ' || p.amprocnum || ' (' "
                + "|| pg_catalog.format_type(p.amproclefttype, NULL) || ', ' "
                + "|| pg_catalog.format_type(p.amprocrighttype, NULL) || ') ' "
                + "|| p.amproc::pg_catalog.regprocedure::text, pg_catalog.format_type(p.amproclefttype, NULL), "
                + "pg_catalog.format_type(p.amprocrighttype, NULL) "
                + "FROM pg_catalog.pg_amproc p JOIN pg_catalog.pg_depend d ON d.classid = "
                + "'pg_catalog.pg_amproc'::pg_catalog.regclass AND d.objid = p.oid "
                + "WHERE d.refclassid = 'pg_catalog." + catalog + "'::pg_catalog.regclass AND d.refobjid = ? "
                + "AND d.deptype = '" + deptype + "' ORDER BY 1, 4, 5, 2";
        List<String> members = new ArrayList<>();
        try (PreparedStatement statement = context.connection.prepareStatement(sql)) {
            statement.setLong(1, oid);
            statement.setLong(2, oid);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    members.add(rs.getString(3));
                }
            }
        }
        return members;
    }
}
