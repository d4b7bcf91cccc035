package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Casts a user created whose function, source type or target type lives in the selected schemas (casts belong to
 * no schema; built-in ones, those a type creates for itself and extension members are left alone).
 */
final class CastReader implements ObjectReader {

    /** Casts with a smaller oid come with PostgreSQL itself. */
    private static final long FIRST_NORMAL_OBJECT_ID = 16384;

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT c.oid, pg_catalog.format_type(c.castsource, NULL), "
                + "pg_catalog.format_type(c.casttarget, NULL), c.castmethod, c.castcontext, "
                + "CASE WHEN c.castfunc <> 0 THEN c.castfunc::pg_catalog.regprocedure::text END, "
                + "pg_catalog.obj_description(c.oid, 'pg_cast') FROM pg_catalog.pg_cast c "
                + "WHERE c.oid >= " + FIRST_NORMAL_OBJECT_ID + " AND " + CatalogContext.notMember("pg_cast", "c.oid")
                // A range's casts to its multirange are created with the type.
                + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = "
                + "'pg_catalog.pg_cast'::pg_catalog.regclass AND i.objid = c.oid AND i.deptype = 'i')"
                + " AND (EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = p.pronamespace WHERE p.oid = c.castfunc AND n.nspname = ANY (?)) "
                + "OR EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = t.typnamespace WHERE t.oid IN (c.castsource, c.casttarget) AND n.nspname = ANY (?))) "
                + "ORDER BY 2, 3";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String types = "(" + rs.getString(2) + " AS " + rs.getString(3) + ")";
                DumpObject object = context.graph.add(ObjectId.of("pg_cast", rs.getLong(1)), Rank.CAST, types);
                String method = switch (rs.getString(4)) {
                    case "f" -> " WITH FUNCTION " + rs.getString(6);
                    case "i" -> " WITH INOUT";
                    default -> " WITHOUT FUNCTION";
                };
                String use = switch (rs.getString(5)) {
                    case "a" -> " AS ASSIGNMENT";
                    case "i" -> " AS IMPLICIT";
                    default -> "";
                };
                object.add("CREATE CAST " + types + method + use + ";");
                CatalogContext.comment(object, "CAST", types, rs.getString(7));
            }
        }
    }
}
