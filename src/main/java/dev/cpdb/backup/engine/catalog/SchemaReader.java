package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/** The selected schemas themselves, with their comments and owners ({@code public} already exists on a target). */
final class SchemaReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        // A fresh database's public schema belongs to pg_database_owner (before PostgreSQL 15: the bootstrap
        // superuser); only another owner is written, as pg_dump does.
        String sql = "SELECT n.oid, n.nspname, pg_catalog.obj_description(n.oid, 'pg_namespace'), "
                + "pg_catalog.pg_get_userbyid(n.nspowner), n.nspowner = COALESCE((SELECT r.oid FROM "
                + "pg_catalog.pg_roles r WHERE r.rolname = 'pg_database_owner'), 10) "
                + "FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY (?) ORDER BY n.nspname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(2);
                DumpObject object = context.graph.add(ObjectId.of("pg_namespace", rs.getLong(1)), Rank.SCHEMA, name);
                String comment = rs.getString(3);
                if (!name.equals("public")) {
                    object.add("CREATE SCHEMA " + Sql.ident(name) + ";");
                }
                // A fresh database's public schema already carries this comment.
                if (!(name.equals("public") && "standard public schema".equals(comment))) {
                    CatalogContext.comment(object, "SCHEMA", Sql.ident(name), comment);
                }
                boolean usualOwner = name.equals("public") && rs.getBoolean(5);
                context.owned(object, "SCHEMA", Sql.ident(name), usualOwner ? null : rs.getString(4),
                        PrivilegeReader.Catalog.SCHEMA, rs.getLong(1), "SCHEMA");
            }
        }
    }
}
