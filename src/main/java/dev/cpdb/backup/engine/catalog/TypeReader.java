package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/** Enum, domain, composite and range types (a range's multirange type comes with it). */
final class TypeReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        String sql = "SELECT t.oid, n.nspname, t.typname, t.typtype, pg_catalog.format_type(t.oid, NULL), "
                + "pg_catalog.obj_description(t.oid, 'pg_type'), t.typrelid, "
                + "pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, "
                + "CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN "
                + "(SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
                + "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
                + "WHERE co.oid = t.typcollation) END, pg_catalog.pg_get_userbyid(t.typowner) "
                + "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                + "LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype "
                + "LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid "
                + "WHERE n.nspname = ANY (?) AND t.typtype IN ('e', 'd', 'c', 'r') "
                + "AND (t.typtype <> 'c' OR c.relkind = 'c') AND "
                + CatalogContext.notMember("pg_type", "t.oid")
                + " ORDER BY n.nspname, t.typname";
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                long oid = rs.getLong(1);
                String qualified = rs.getString(5);
                DumpObject object = context.graph.add(ObjectId.of("pg_type", oid), Rank.TYPE,
                        rs.getString(2) + "." + rs.getString(3));
                char kind = rs.getString(4).charAt(0);
                switch (kind) {
                    case 'e' -> object.add("CREATE TYPE " + qualified + " AS ENUM (" + enumLabels(context, oid)
                            + ");");
                    case 'd' -> domain(context, object, qualified, rs.getString(8), rs.getBoolean(9),
                            rs.getString(10), rs.getString(11));
                    case 'c' -> {
                        context.graph.alias(ObjectId.of("pg_class", rs.getLong(7)), object.id);
                        object.add("CREATE TYPE " + qualified + " AS (" + compositeAttributes(context,
                                rs.getLong(7)) + ");");
                    }
                    default -> object.add(range(context, object, oid, qualified));
                }
                String word = kind == 'd' ? "DOMAIN" : "TYPE";
                CatalogContext.comment(object, word, qualified, rs.getString(6));
                // A range's multirange type and a composite type's relation follow the type's owner.
                context.owned(object, word, qualified, rs.getString(12), PrivilegeReader.Catalog.TYPE, oid, word);
            }
        }
    }

    private static String enumLabels(CatalogContext context, long typeOid) throws SQLException {
        List<String> labels = new ArrayList<>();
        try (PreparedStatement statement = context.connection.prepareStatement(
                "SELECT enumlabel FROM pg_catalog.pg_enum WHERE enumtypid = ? ORDER BY enumsortorder")) {
            statement.setLong(1, typeOid);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    labels.add(Sql.literal(rs.getString(1)));
                }
            }
        }
        return String.join(", ", labels);
    }

    /**
     * A domain with its valid CHECK and NOT NULL constraints inline; a CHECK that closes a dependency cycle (it calls
     * a function that needs the domain) is added after the domain instead, as pg_dump does. NOT VALID ones are added
     * after the data.
     */
    private static void domain(CatalogContext context, DumpObject object, String qualified, String baseType,
            boolean notNull, String defaultExpression, String collation) throws SQLException {
        StringBuilder head = new StringBuilder("CREATE DOMAIN ").append(qualified).append(" AS ").append(baseType);
        if (collation != null) {
            head.append(" COLLATE ").append(collation);
        }
        if (defaultExpression != null) {
            head.append(" DEFAULT ").append(defaultExpression);
        }
        Map<ObjectId, String> checks = new LinkedHashMap<>();
        Map<ObjectId, List<String>> checkComments = new LinkedHashMap<>();
        List<String> late = new ArrayList<>();
        List<String> notNullComments = new ArrayList<>();
        boolean notNullConstraint = false;
        // From PostgreSQL 17 on, a domain's NOT NULL is a constraint with a name of its own (contype 'n').
        try (PreparedStatement statement = context.connection.prepareStatement("SELECT conname, "
                + "pg_catalog.pg_get_constraintdef(oid), convalidated, pg_catalog.obj_description(oid, 'pg_constraint'), "
                + "oid, contype FROM pg_catalog.pg_constraint WHERE contypid = ? AND contype IN ('c', 'n') "
                + "ORDER BY contype DESC, conname")) {
            statement.setLong(1, object.id.oid());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String constraint = "CONSTRAINT " + Sql.ident(rs.getString(1)) + " " + rs.getString(2);
                    List<String> comment = rs.getString(4) == null ? List.of()
                            : List.of("COMMENT ON CONSTRAINT " + Sql.ident(rs.getString(1)) + " ON DOMAIN "
                                    + qualified + " IS " + Sql.literal(rs.getString(4)) + ";");
                    notNullConstraint |= rs.getString(6).equals("n");
                    if (rs.getString(6).equals("n") && rs.getBoolean(3)) {
                        head.append(" ").append(constraint);
                        notNullComments.addAll(comment);
                    } else if (rs.getBoolean(3)) {
                        ObjectId id = ObjectId.of("pg_constraint", rs.getLong(5));
                        checks.put(id, constraint);
                        checkComments.put(id, comment);
                        List<String> later = new ArrayList<>();
                        later.add("ALTER DOMAIN " + qualified + " ADD " + constraint + ";");
                        later.addAll(comment);
                        context.graph.part(object, object.part(id, () -> later));
                    } else {
                        late.add("ALTER DOMAIN " + qualified + " ADD " + constraint + ";");
                        late.addAll(comment);
                    }
                }
            }
        }
        if (notNull && !notNullConstraint) {
            head.append(" NOT NULL");
        }
        // After the data, which may break a NOT VALID constraint.
        context.postData.addAll(late);
        object.definition(deferred -> {
            StringBuilder ddl = new StringBuilder(head);
            checks.forEach((id, constraint) -> {
                if (!deferred.contains(id)) {
                    ddl.append(" ").append(constraint);
                }
            });
            ddl.append(";");
            notNullComments.forEach(statement -> ddl.append("\n").append(statement));
            checkComments.forEach((id, comment) -> {
                if (!deferred.contains(id)) {
                    comment.forEach(statement -> ddl.append("\n").append(statement));
                }
            });
            return List.of(ddl.toString());
        });
    }

    /** The attributes of a composite type, also used by typed tables' placeholders. */
    static String compositeAttributes(CatalogContext context, long relationOid) throws SQLException {
        List<String> attributes = new ArrayList<>();
        try (PreparedStatement statement = context.connection.prepareStatement("SELECT a.attname, "
                + "pg_catalog.format_type(a.atttypid, a.atttypmod), "
                + "CASE WHEN a.attcollation <> t.typcollation THEN (SELECT pg_catalog.quote_ident(cn.nspname) || '.' "
                + "|| pg_catalog.quote_ident(co.collname) FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
                + "ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END "
                + "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            statement.setLong(1, relationOid);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    attributes.add(Sql.ident(rs.getString(1)) + " " + rs.getString(2)
                            + (rs.getString(3) == null ? "" : " COLLATE " + rs.getString(3)));
                }
            }
        }
        return String.join(", ", attributes);
    }

    private static String range(CatalogContext context, DumpObject object, long oid, String qualified)
            throws SQLException {
        try (PreparedStatement statement = context.connection.prepareStatement("SELECT "
                + "pg_catalog.format_type(r.rngsubtype, NULL), "
                + "(SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(o.opcname) "
                + "FROM pg_catalog.pg_opclass o JOIN pg_catalog.pg_namespace n ON n.oid = o.opcnamespace "
                + "WHERE o.oid = r.rngsubopc), "
                + "CASE WHEN r.rngcollation <> 0 THEN (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || "
                + "pg_catalog.quote_ident(co.collname) FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
                + "ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation) END, "
                + "CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::pg_catalog.regproc::text END, "
                + "CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::pg_catalog.regproc::text END, "
                + "pg_catalog.format_type(r.rngmultitypid, NULL), r.rngmultitypid "
                + "FROM pg_catalog.pg_range r WHERE r.rngtypid = ?")) {
            statement.setLong(1, oid);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                StringBuilder ddl = new StringBuilder("CREATE TYPE ").append(qualified).append(" AS RANGE (subtype = ")
                        .append(rs.getString(1)).append(", subtype_opclass = ").append(rs.getString(2));
                if (rs.getString(3) != null) {
                    ddl.append(", collation = ").append(rs.getString(3));
                }
                if (rs.getString(4) != null) {
                    ddl.append(", subtype_diff = ").append(rs.getString(4));
                }
                if (rs.getString(5) != null) {
                    ddl.append(", canonical = ").append(rs.getString(5));
                }
                ddl.append(", multirange_type_name = ").append(rs.getString(6)).append(");");
                context.graph.alias(ObjectId.of("pg_type", rs.getLong(7)), object.id);
                return ddl.toString();
            }
        }
    }
}
