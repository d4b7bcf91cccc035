package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/**
 * Aggregates: ordinary, ordered-set and hypothetical-set ones, with their moving-aggregate variant, combine,
 * serialization and deserialization functions, initial values, sort operator and parallel safety. Options equal to
 * {@code CREATE AGGREGATE}'s defaults are left out, as pg_dump leaves them out.
 */
final class AggregateReader implements ObjectReader {

    private static final String FUNCTION = "CASE WHEN %1$s <> 0 THEN %1$s::pg_catalog.regproc::text END";

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT p.oid, n.nspname, p.proname, pg_catalog.pg_get_function_arguments(p.oid), "
                + "pg_catalog.pg_get_function_identity_arguments(p.oid), pg_catalog.oidvectortypes(p.proargtypes), "
                + "a.aggkind, " + String.format(FUNCTION, "a.aggtransfn") + ", "
                + "pg_catalog.format_type(a.aggtranstype, NULL), a.aggtransspace, a.agginitval, "
                + String.format(FUNCTION, "a.aggfinalfn") + ", a.aggfinalextra, a.aggfinalmodify, "
                + String.format(FUNCTION, "a.aggcombinefn") + ", " + String.format(FUNCTION, "a.aggserialfn") + ", "
                + String.format(FUNCTION, "a.aggdeserialfn") + ", " + String.format(FUNCTION, "a.aggmtransfn") + ", "
                + String.format(FUNCTION, "a.aggminvtransfn") + ", "
                + "CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END, "
                + "a.aggmtransspace, a.aggminitval, " + String.format(FUNCTION, "a.aggmfinalfn") + ", "
                + "a.aggmfinalextra, a.aggmfinalmodify, "
                + "(SELECT 'OPERATOR(' || pg_catalog.quote_ident(opn.nspname) || '.' || o.oprname || ')' "
                + "FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace "
                + "WHERE o.oid = a.aggsortop), p.proparallel, pg_catalog.obj_description(p.oid, 'pg_proc'), "
                + "pg_catalog.pg_get_userbyid(p.proowner) "
                + "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname = ANY (?) AND " + CatalogContext.notMember("pg_proc", "p.oid")
                + " ORDER BY n.nspname, p.proname, p.oid";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.qualified(rs.getString(2), rs.getString(3));
                String arguments = rs.getString(4).isEmpty() ? "*" : rs.getString(4);
                String identity = rs.getString(5).isEmpty() ? "*" : rs.getString(5);
                String signature = name + "(" + identity + ")";
                DumpObject object = context.graph.add(ObjectId.of("pg_proc", rs.getLong(1)), Rank.AGGREGATE,
                        signature);
                object.add("CREATE AGGREGATE " + name + "(" + arguments + ") (\n    "
                        + String.join(",\n    ", options(rs)) + "\n);");
                CatalogContext.comment(object, "AGGREGATE", signature, rs.getString(28));
                context.owner(object, "AGGREGATE", signature, rs.getString(29));
                // GRANT names an aggregate as a function of all its argument types.
                context.privileges(new PrivilegeReader.Target(PrivilegeReader.Catalog.FUNCTION, rs.getLong(1),
                        "FUNCTION", name + "(" + rs.getString(6) + ")", false));
            }
        }
    }

    private static List<String> options(ResultSet rs) throws SQLException {
        char kind = rs.getString(7).charAt(0);
        char defaultModify = kind == 'n' ? 'r' : 'w';
        List<String> options = new ArrayList<>();
        options.add("SFUNC = " + rs.getString(8));
        options.add("STYPE = " + rs.getString(9));
        if (rs.getInt(10) != 0) {
            options.add("SSPACE = " + rs.getInt(10));
        }
        if (rs.getString(11) != null) {
            options.add("INITCOND = " + Sql.literal(rs.getString(11)));
        }
        if (rs.getString(12) != null) {
            options.add("FINALFUNC = " + rs.getString(12));
            if (rs.getBoolean(13)) {
                options.add("FINALFUNC_EXTRA");
            }
            if (rs.getString(14).charAt(0) != defaultModify) {
                options.add("FINALFUNC_MODIFY = " + modify(rs.getString(14)));
            }
        }
        optional(options, "COMBINEFUNC", rs.getString(15));
        optional(options, "SERIALFUNC", rs.getString(16));
        optional(options, "DESERIALFUNC", rs.getString(17));
        if (rs.getString(18) != null) {
            options.add("MSFUNC = " + rs.getString(18));
            options.add("MINVFUNC = " + rs.getString(19));
            options.add("MSTYPE = " + rs.getString(20));
            if (rs.getInt(21) != 0) {
                options.add("MSSPACE = " + rs.getInt(21));
            }
            if (rs.getString(22) != null) {
                options.add("MINITCOND = " + Sql.literal(rs.getString(22)));
            }
            if (rs.getString(23) != null) {
                options.add("MFINALFUNC = " + rs.getString(23));
                if (rs.getBoolean(24)) {
                    options.add("MFINALFUNC_EXTRA");
                }
                if (rs.getString(25).charAt(0) != defaultModify) {
                    options.add("MFINALFUNC_MODIFY = " + modify(rs.getString(25)));
                }
            }
        }
        optional(options, "SORTOP", rs.getString(26));
        switch (rs.getString(27)) {
            case "s" -> options.add("PARALLEL = safe");
            case "r" -> options.add("PARALLEL = restricted");
            default -> {
                // unsafe: the default
            }
        }
        if (kind == 'h') {
            options.add("HYPOTHETICAL");
        }
        return options;
    }

    private static void optional(List<String> options, String option, String value) {
        if (value != null) {
            options.add(option + " = " + value);
        }
    }

    private static String modify(String code) {
        return switch (code) {
            case "r" -> "READ_ONLY";
            case "s" -> "SHAREABLE";
            default -> "READ_WRITE";
        };
    }
}
