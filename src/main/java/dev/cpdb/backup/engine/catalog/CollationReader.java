package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.Sql;

/** Collations, libc, ICU and built-in, deterministic or not, with their comments and owners. */
final class CollationReader implements ObjectReader {

    /** Where the ICU locale is kept: its own column from PostgreSQL 15 on (renamed in 17), before in collcollate. */
    private static String iculocale(int version) {
        if (version >= 170000) {
            return "c.colllocale";
        }
        return version >= 150000 ? "c.colliculocale" : "c.collcollate";
    }

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT c.oid, n.nspname, c.collname, c.collprovider, c.collisdeterministic, c.collcollate, "
                + "c.collctype, " + iculocale(context.serverVersion()) + ", "
                + (context.serverVersion() >= 160000 ? "c.collicurules" : "NULL") + ", "
                + "pg_catalog.obj_description(c.oid, 'pg_collation'), pg_catalog.pg_get_userbyid(c.collowner) "
                + "FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace "
                + "WHERE n.nspname = ANY (?) AND " + CatalogContext.notMember("pg_collation", "c.oid")
                + " ORDER BY n.nspname, c.collname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.qualified(rs.getString(2), rs.getString(3));
                DumpObject object = context.graph.add(ObjectId.of("pg_collation", rs.getLong(1)), Rank.COLLATION,
                        rs.getString(2) + "." + rs.getString(3));
                List<String> options = new ArrayList<>();
                switch (rs.getString(4)) {
                    case "i" -> {
                        options.add("provider = icu");
                        String locale = rs.getString(8) != null ? rs.getString(8) : rs.getString(6);
                        options.add("locale = " + Sql.literal(locale));
                        if (rs.getString(9) != null) {
                            options.add("rules = " + Sql.literal(rs.getString(9)));
                        }
                    }
                    case "c" -> {
                        options.add("provider = libc");
                        if (rs.getString(6).equals(rs.getString(7))) {
                            options.add("locale = " + Sql.literal(rs.getString(6)));
                        } else {
                            options.add("lc_collate = " + Sql.literal(rs.getString(6)));
                            options.add("lc_ctype = " + Sql.literal(rs.getString(7)));
                        }
                    }
                    case "b" -> {
                        // PostgreSQL 17's built-in provider; its locale is in colllocale.
                        options.add("provider = builtin");
                        options.add("locale = " + Sql.literal(rs.getString(8)));
                    }
                    default -> options.add("provider = default");
                }
                if (!rs.getBoolean(5)) {
                    options.add("deterministic = false");
                }
                object.add("CREATE COLLATION " + name + " (" + String.join(", ", options) + ");");
                CatalogContext.comment(object, "COLLATION", name, rs.getString(10));
                context.owner(object, "COLLATION", name, rs.getString(11));
            }
        }
    }
}
