package dev.cpdb.backup.engine.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/**
 * Tables and partitions: {@code CREATE TABLE} with columns, defaults, identity and generated columns, valid CHECK
 * constraints, inheritance and partitioning. A CHECK constraint or a column default that closes a dependency cycle
 * (it calls a function that needs the table) is added after the table instead, as pg_dump does.
 */
final class TableReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        for (Relation table : context.relations.values()) {
            if (table.kind == 'r' || table.kind == 'p') {
                table(context, table);
            }
        }
    }

    private static void table(CatalogContext context, Relation table) {
        DumpObject object = context.graph.add(ObjectId.of("pg_class", table.oid), Rank.TABLE,
                table.schema + "." + table.name);
        for (Relation.Check check : table.checks) {
            DumpObject.Part part = object.part(ObjectId.of("pg_constraint", check.oid()),
                    () -> List.of("ALTER TABLE " + table.qualified() + " ADD " + check.definition() + ";"));
            context.graph.part(object, part);
        }
        if (!table.partition) {
            for (Relation.Column column : table.columns) {
                if (column.local && column.defaultOid != 0 && !column.isGenerated() && column.identity.isEmpty()) {
                    DumpObject.Part part = object.part(ObjectId.of("pg_attrdef", column.defaultOid),
                            () -> List.of("ALTER TABLE ONLY " + table.qualified() + " ALTER COLUMN "
                                    + Sql.ident(column.name) + " SET DEFAULT " + column.defaultExpression + ";"));
                    context.graph.part(object, part);
                }
            }
        }
        object.definition(deferred -> definition(context, table, deferred));
        for (Long parent : table.parents) {
            object.dependsOn.add(ObjectId.of("pg_class", parent));
        }
        comments(object, table, "TABLE");
        context.owned(object, "TABLE", table.qualified(), table.owner, PrivilegeReader.Catalog.RELATION, table.oid,
                "TABLE");
    }

    private static List<String> definition(CatalogContext context, Relation table, Set<ObjectId> deferred) {
        List<String> checks = table.checks.stream()
                .filter(check -> !deferred.contains(ObjectId.of("pg_constraint", check.oid())))
                .map(Relation.Check::definition)
                .toList();
        StringBuilder ddl = new StringBuilder("CREATE ");
        if (table.persistence == 'u') {
            ddl.append("UNLOGGED ");
        }
        ddl.append("TABLE ").append(table.qualified());
        List<String> alterations = new ArrayList<>();
        if (table.partition) {
            Relation parent = context.relations.get(table.parents.get(0));
            ddl.append(" PARTITION OF ").append(parent.qualified());
            if (!checks.isEmpty()) {
                ddl.append(" (\n    ").append(String.join(",\n    ", checks)).append("\n)");
            }
            ddl.append(" ").append(table.partitionBound);
            for (Relation.Column column : table.columns) {
                Relation.Column inherited = parent.columns.stream().filter(c -> c.name.equals(column.name))
                        .findFirst().orElse(null);
                columnDifferences(table, column, inherited, alterations);
            }
        } else if (table.ofType != null) {
            // A typed table's columns come from its type; only what a column adds is written, WITH OPTIONS.
            ddl.append(" OF ").append(table.ofType);
            List<String> lines = new ArrayList<>();
            for (Relation.Column column : table.columns) {
                boolean withDefault = column.defaultExpression != null
                        && !deferred.contains(ObjectId.of("pg_attrdef", column.defaultOid));
                if (withDefault || column.notNullDeclared) {
                    lines.add(Sql.ident(column.name) + " WITH OPTIONS"
                            + (withDefault ? " DEFAULT " + column.defaultExpression : "")
                            + (column.notNullDeclared ? " " + column.notNullClause() : ""));
                }
            }
            lines.addAll(checks);
            if (!lines.isEmpty()) {
                ddl.append(" (\n    ").append(String.join(",\n    ", lines)).append("\n)");
            }
        } else {
            List<String> lines = new ArrayList<>();
            for (Relation.Column column : table.columns) {
                if (!column.local) {
                    Relation.Column parentColumn = table.parents.stream().map(context.relations::get)
                            .flatMap(parent -> parent.columns.stream())
                            .filter(c -> c.name.equals(column.name))
                            .findFirst().orElse(null);
                    columnDifferences(table, column, parentColumn, alterations);
                    continue;
                }
                boolean withDefault = !deferred.contains(ObjectId.of("pg_attrdef", column.defaultOid));
                lines.add(columnDefinition(column, withDefault));
            }
            lines.addAll(checks);
            ddl.append(" (");
            if (!lines.isEmpty()) {
                ddl.append("\n    ").append(String.join(",\n    ", lines)).append("\n");
            }
            ddl.append(")");
            if (!table.parents.isEmpty()) {
                ddl.append(" INHERITS (").append(table.parents.stream().map(context.relations::get)
                        .map(Relation::qualified).collect(Collectors.joining(", "))).append(")");
            }
        }
        if (table.partitionKey != null) {
            ddl.append(" PARTITION BY ").append(table.partitionKey);
        }
        if (table.accessMethod != null) {
            ddl.append(" USING ").append(Sql.ident(table.accessMethod));
        }
        if (table.options != null && !table.options.isEmpty()) {
            ddl.append(" WITH (").append(table.options).append(")");
        }
        List<String> statements = new ArrayList<>();
        statements.add(ddl.append(";").toString());
        statements.addAll(alterations);
        return statements;
    }

    static String columnDefinition(Relation.Column column, boolean withDefault) {
        StringBuilder line = new StringBuilder(Sql.ident(column.name)).append(" ").append(column.type);
        if (column.collation != null) {
            line.append(" COLLATE ").append(column.collation);
        }
        if ("s".equals(column.generated) || "v".equals(column.generated)) {
            line.append(" GENERATED ALWAYS AS (").append(column.defaultExpression).append(")")
                    .append("s".equals(column.generated) ? " STORED" : " VIRTUAL");
        } else if (column.defaultExpression != null && withDefault) {
            line.append(" DEFAULT ").append(column.defaultExpression);
        }
        if ("a".equals(column.identity) || "d".equals(column.identity)) {
            line.append(" GENERATED ").append("a".equals(column.identity) ? "ALWAYS" : "BY DEFAULT")
                    .append(" AS IDENTITY");
            if (column.identityOptions != null) {
                line.append(" (").append(column.identityOptions).append(")");
            }
        }
        if (column.notNullDeclared) {
            line.append(" ").append(column.notNullClause());
        }
        return line.toString();
    }

    /** What a column inherited from a parent (or partitioned table) sets differently from it. */
    static void columnDifferences(Relation table, Relation.Column column, Relation.Column inherited,
            List<String> alterations) {
        String alter = "ALTER TABLE ONLY " + table.qualified() + " ALTER COLUMN " + Sql.ident(column.name);
        if (!column.isGenerated() && column.identity.isEmpty() && column.defaultExpression != null
                && (inherited == null || !Objects.equals(inherited.defaultExpression, column.defaultExpression))) {
            alterations.add(alter + " SET DEFAULT " + column.defaultExpression + ";");
        }
        if (column.notNullName != null) {
            // PostgreSQL 18: the table's own constraint, beside an inherited one or not, keeps its name.
            alterations.add("ALTER TABLE ONLY " + table.qualified() + " ADD CONSTRAINT " + Sql.ident(column.notNullName)
                    + " NOT NULL " + Sql.ident(column.name) + (column.notNullNoInherit ? " NO INHERIT" : "") + ";");
        } else if (column.notNullDeclared && (inherited == null || !inherited.notNull)) {
            alterations.add(alter + " SET NOT NULL;");
        }
    }

    /** The comments on a relation and its columns. */
    static void comments(DumpObject object, Relation relation, String kind) {
        CatalogContext.comment(object, kind, relation.qualified(), relation.comment);
        for (Relation.Column column : relation.columns) {
            CatalogContext.comment(object, "COLUMN", relation.qualified() + "." + Sql.ident(column.name),
                    column.comment);
        }
    }
}
