package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.Sql;

/**
 * Publications after the data, as pg_dump writes them: {@code CREATE PUBLICATION} with what it publishes (operations,
 * through the partition root or not, stored generated columns or not), then its tables of the selected schemas
 * ({@code ADD TABLE ONLY} with column list and row filter) and its schemas ({@code ADD TABLES IN SCHEMA}). A
 * publication is database-wide; every one is carried, with the members the backup holds.
 */
final class PublicationReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT p.pubname, p.puballtables, pg_catalog.concat_ws(', ', CASE WHEN p.pubinsert THEN "
                + "'insert' END, CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END, "
                + "CASE WHEN p.pubtruncate THEN 'truncate' END), p.pubviaroot, "
                + "pg_catalog.obj_description(p.oid, 'pg_publication'), pg_catalog.pg_get_userbyid(p.pubowner), "
                // PostgreSQL 18 can publish stored generated columns ('s'), or none ('n').
                + (context.serverVersion() >= 180000 ? "p.pubgencols = 's' " : "false ")
                + "FROM pg_catalog.pg_publication p ORDER BY p.pubname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.ident(rs.getString(1));
                StringBuilder ddl = new StringBuilder("CREATE PUBLICATION ").append(name);
                if (rs.getBoolean(2)) {
                    ddl.append(" FOR ALL TABLES");
                }
                ddl.append(" WITH (publish = ").append(Sql.literal(rs.getString(3)));
                if (rs.getBoolean(4)) {
                    ddl.append(", publish_via_partition_root = true");
                }
                if (rs.getBoolean(7)) {
                    ddl.append(", publish_generated_columns = stored");
                }
                context.postData.add(ddl.append(");").toString());
                if (rs.getString(5) != null) {
                    context.postData.add("COMMENT ON PUBLICATION " + name + " IS " + Sql.literal(rs.getString(5))
                            + ";");
                }
                if (context.ownersAndPrivileges) {
                    context.postData.add("ALTER PUBLICATION " + name + " OWNER TO " + Sql.ident(rs.getString(6))
                            + ";");
                }
            }
        }
        // Column lists, row filters and schemas arrived with PostgreSQL 15.
        boolean since15 = context.connection.getMetaData().getDatabaseMajorVersion() >= 15;
        tables(context, since15);
        if (since15) {
            schemas(context);
        }
    }

    private static void tables(CatalogContext context, boolean since15) throws SQLException {
        String columnsAndFilter = since15 ? "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), "
                + "', ' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = r.prrelid "
                + "AND a.attnum = ANY (r.prattrs)), pg_catalog.pg_get_expr(r.prqual, r.prrelid)" : "NULL, NULL";
        String sql = "SELECT p.pubname, r.prrelid, " + columnsAndFilter + " "
                + "FROM pg_catalog.pg_publication_rel r JOIN pg_catalog.pg_publication p ON p.oid = r.prpubid "
                + "WHERE r.prrelid = ANY (?) ORDER BY p.pubname, r.prrelid::pg_catalog.regclass::text";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                StringBuilder ddl = new StringBuilder("ALTER PUBLICATION ").append(Sql.ident(rs.getString(1)))
                        .append(" ADD TABLE ONLY ").append(context.relations.get(rs.getLong(2)).qualified());
                if (rs.getString(3) != null) {
                    ddl.append(" (").append(rs.getString(3)).append(")");
                }
                if (rs.getString(4) != null) {
                    ddl.append(" WHERE (").append(rs.getString(4)).append(")");
                }
                context.postData.add(ddl.append(";").toString());
            }
        }
    }

    private static void schemas(CatalogContext context) throws SQLException {
        String sql = "SELECT p.pubname, n.nspname FROM pg_catalog.pg_publication_namespace s "
                + "JOIN pg_catalog.pg_publication p ON p.oid = s.pnpubid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = s.pnnspid WHERE n.nspname = ANY (?) "
                + "ORDER BY p.pubname, n.nspname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                context.postData.add("ALTER PUBLICATION " + Sql.ident(rs.getString(1)) + " ADD TABLES IN SCHEMA "
                        + Sql.ident(rs.getString(2)) + ";");
            }
        }
    }
}
