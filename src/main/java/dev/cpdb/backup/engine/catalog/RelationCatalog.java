package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/**
 * Reads the relations of the selected schemas (tables, partitions, views, materialized views, sequences, foreign
 * tables) with their columns, CHECK constraints, inheritance and sequence options into the context, for the readers
 * that turn them into statements ({@link TableReader}, {@link SequenceReader}, {@link ViewReader},
 * {@link ForeignTableReader} and the post-data readers).
 */
final class RelationCatalog implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        readRelations(context);
        readColumns(context);
        readCheckConstraints(context);
        if (context.serverVersion() >= 180000) {
            readNotNullConstraints(context);
        }
        readInheritance(context);
        readSequences(context);
    }

    private static void readRelations(CatalogContext context) throws SQLException {
        String sql = "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relispartition, "
                + "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, "
                + "CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END, "
                + "pg_catalog.obj_description(c.oid, 'pg_class'), pg_catalog.array_to_string(c.reloptions, ', '), "
                + "c.relrowsecurity, c.relforcerowsecurity, c.relispopulated, c.relreplident, "
                + "CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END, "
                + "pg_catalog.pg_get_userbyid(c.relowner), "
                + "CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END, "
                + "(SELECT r.oid FROM pg_catalog.pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename = '_RETURN'), "
                + "CASE WHEN c.relkind = 'p' OR (c.relkind = 'r' AND am.amname <> 'heap') THEN am.amname END "
                + "FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND "
                + CatalogContext.notMember("pg_class", "c.oid")
                // Identity sequences are created by their column's GENERATED ... AS IDENTITY.
                + " AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = "
                + "'pg_catalog.pg_class'::pg_catalog.regclass AND i.objid = c.oid AND i.deptype = 'i'))"
                + " ORDER BY n.nspname, c.relname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation relation = new Relation();
                relation.oid = rs.getLong(1);
                relation.schema = rs.getString(2);
                relation.name = rs.getString(3);
                relation.kind = rs.getString(4).charAt(0);
                relation.persistence = rs.getString(5).charAt(0);
                relation.partition = rs.getBoolean(6);
                relation.partitionKey = rs.getString(7);
                relation.partitionBound = rs.getString(8);
                relation.comment = rs.getString(9);
                relation.options = rs.getString(10);
                relation.rowSecurity = rs.getBoolean(11);
                relation.forceRowSecurity = rs.getBoolean(12);
                relation.populated = rs.getBoolean(13);
                relation.replicaIdentity = rs.getString(14).charAt(0);
                relation.viewDefinition = rs.getString(15);
                relation.owner = rs.getString(16);
                relation.ofType = rs.getString(17);
                relation.viewRule = rs.getLong(18);
                relation.accessMethod = rs.getString(19);
                context.relations.put(relation.oid, relation);
            }
        }
    }

    private static void readColumns(CatalogContext context) throws SQLException {
        String sql = "SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
                + "a.attnotnull, a.attidentity, a.attgenerated, a.attislocal, a.attinhcount, "
                + "pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
                + "CASE WHEN a.attcollation <> t.typcollation THEN (SELECT pg_catalog.quote_ident(cn.nspname) || '.' "
                + "|| pg_catalog.quote_ident(co.collname) FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
                + "ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END, "
                + "pg_catalog.col_description(a.attrelid, a.attnum), d.oid "
                + "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                + "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attrelid = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation.Column column = new Relation.Column();
                column.number = rs.getInt(2);
                column.name = rs.getString(3);
                column.type = rs.getString(4);
                column.notNull = rs.getBoolean(5);
                column.notNullDeclared = column.notNull && context.serverVersion() < 180000;
                column.identity = rs.getString(6);
                column.generated = rs.getString(7);
                column.local = rs.getBoolean(8);
                column.inheritCount = rs.getInt(9);
                column.defaultExpression = rs.getString(10);
                column.collation = rs.getString(11);
                column.comment = rs.getString(12);
                column.defaultOid = rs.getLong(13);
                context.relations.get(rs.getLong(1)).columns.add(column);
            }
        }
    }

    private static void readCheckConstraints(CatalogContext context) throws SQLException {
        String sql = "SELECT c.conrelid, c.conname, pg_catalog.pg_get_constraintdef(c.oid), c.convalidated, "
                + "c.conislocal, pg_catalog.obj_description(c.oid, 'pg_constraint'), c.oid "
                + "FROM pg_catalog.pg_constraint c WHERE c.conrelid = ANY (?) AND c.contype = 'c' "
                + "ORDER BY c.conrelid, c.conname";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation relation = context.relations.get(rs.getLong(1));
                String name = rs.getString(2);
                if (rs.getString(6) != null) {
                    relation.constraintComments.add("COMMENT ON CONSTRAINT " + Sql.ident(name) + " ON "
                            + relation.qualified() + " IS " + Sql.literal(rs.getString(6)) + ";");
                }
                if (!rs.getBoolean(5)) {
                    continue; // inherited from a parent, which creates it
                }
                String constraint = "CONSTRAINT " + Sql.ident(name) + " " + rs.getString(3);
                if (rs.getBoolean(4)) {
                    relation.checks.add(new Relation.Check(rs.getLong(7), constraint));
                } else {
                    relation.lateChecks.add("ALTER TABLE " + relation.qualified() + " ADD " + constraint + ";");
                }
            }
        }
    }

    /**
     * PostgreSQL 18's not-null constraints: a valid one the table declares itself is written with its column, named
     * and with its NO INHERIT; a NOT VALID one is added after the data, as rows may break it; an inherited one is
     * created by its parent. Their comments are written with the other constraints'.
     */
    private static void readNotNullConstraints(CatalogContext context) throws SQLException {
        String sql = "SELECT c.conrelid, c.conkey[1], c.conname, c.connoinherit, c.conislocal, c.convalidated, "
                + "pg_catalog.pg_get_constraintdef(c.oid), pg_catalog.obj_description(c.oid, 'pg_constraint') "
                + "FROM pg_catalog.pg_constraint c WHERE c.conrelid = ANY (?) AND c.contype = 'n' "
                + "ORDER BY c.conrelid, c.conname";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation relation = context.relations.get(rs.getLong(1));
                int number = rs.getInt(2);
                Relation.Column column = relation.columns.stream().filter(c -> c.number == number).findFirst()
                        .orElseThrow();
                String name = rs.getString(3);
                if (rs.getString(8) != null) {
                    relation.constraintComments.add("COMMENT ON CONSTRAINT " + Sql.ident(name) + " ON "
                            + relation.qualified() + " IS " + Sql.literal(rs.getString(8)) + ";");
                }
                if (!rs.getBoolean(5)) {
                    continue;
                }
                if (rs.getBoolean(6)) {
                    column.notNullDeclared = true;
                    column.notNullName = name;
                    column.notNullNoInherit = rs.getBoolean(4);
                } else {
                    relation.lateChecks.add("ALTER TABLE " + relation.qualified() + " ADD CONSTRAINT "
                            + Sql.ident(name) + " " + rs.getString(7) + ";");
                }
            }
        }
    }

    private static void readInheritance(CatalogContext context) throws SQLException {
        String sql = "SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i "
                + "WHERE i.inhrelid = ANY (?) ORDER BY i.inhrelid, i.inhseqno";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation child = context.relations.get(rs.getLong(1));
                if (context.relations.containsKey(rs.getLong(2))) {
                    child.parents.add(rs.getLong(2));
                }
            }
        }
        for (Relation relation : context.relations.values()) {
            relation.depth = depth(context, relation);
        }
    }

    private static int depth(CatalogContext context, Relation relation) {
        int depth = 0;
        for (Long parent : relation.parents) {
            depth = Math.max(depth, 1 + depth(context, context.relations.get(parent)));
        }
        return depth;
    }

    private static void readSequences(CatalogContext context) throws SQLException {
        String sql = "SELECT s.seqrelid, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, "
                + "s.seqmin, s.seqmax, s.seqcache, s.seqcycle, d.deptype, d.refobjid, a.attname, sc.relname, "
                + "sn.nspname, sc.relpersistence "
                + "FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class sc ON sc.oid = s.seqrelid "
                + "JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace "
                + "LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                + "AND d.objid = s.seqrelid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                + "AND d.deptype IN ('a', 'i') "
                + "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                + "WHERE sn.nspname = ANY (?)";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String options = "START WITH " + rs.getLong(3) + " INCREMENT BY " + rs.getLong(4) + " MINVALUE "
                        + rs.getLong(5) + " MAXVALUE " + rs.getLong(6) + " CACHE " + rs.getLong(7)
                        + (rs.getBoolean(8) ? " CYCLE" : " NO CYCLE");
                String qualified = Sql.qualified(rs.getString(13), rs.getString(12));
                String dependency = rs.getString(9);
                Relation table = context.relations.get(rs.getLong(10));
                if ("i".equals(dependency)) {
                    String column = rs.getString(11);
                    if (table != null) {
                        table.columns.stream().filter(c -> c.name.equals(column)).findFirst()
                                .ifPresent(c -> c.identityOptions = "SEQUENCE NAME " + qualified + " " + options);
                        // Its owner follows the table's; its privileges are its own.
                        context.privileges(new PrivilegeReader.Target(PrivilegeReader.Catalog.RELATION,
                                rs.getLong(1), "SEQUENCE", qualified, false));
                    }
                    continue;
                }
                Relation sequence = context.relations.get(rs.getLong(1));
                if (sequence == null) {
                    continue;
                }
                sequence.viewDefinition = null;
                sequence.options = "AS " + rs.getString(2) + " " + options;
                if ("a".equals(dependency) && table != null) {
                    sequence.ownedBy = table.qualified() + "." + Sql.ident(rs.getString(11));
                }
            }
        }
    }
}
