package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/**
 * Foreign tables ({@code CREATE FOREIGN TABLE ... SERVER ... OPTIONS}) with their columns' options, defaults and
 * CHECK constraints, as children of a table or partitions of a partitioned one too. Their rows live elsewhere: a
 * backup carries the definition only, as pg_dump does.
 */
final class ForeignTableReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        Map<Long, String[]> servers = new HashMap<>();
        Map<String, String> columnOptions = new HashMap<>();
        String sql = "SELECT f.ftrelid, s.srvname, " + ForeignOptions.sql("f.ftoptions")
                + " FROM pg_catalog.pg_foreign_table f JOIN pg_catalog.pg_foreign_server s ON s.oid = f.ftserver "
                + "WHERE f.ftrelid = ANY (?)";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                servers.put(rs.getLong(1), new String[] { rs.getString(2), rs.getString(3) });
            }
        }
        String columns = "SELECT a.attrelid, a.attname, " + ForeignOptions.sql("a.attfdwoptions")
                + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = ANY (?) AND a.attfdwoptions IS NOT NULL "
                + "AND a.attnum > 0 AND NOT a.attisdropped";
        try (PreparedStatement statement = context.prepareForRelations(columns);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                columnOptions.put(rs.getLong(1) + "." + rs.getString(2), rs.getString(3));
            }
        }
        for (Relation table : context.relations.values()) {
            if (table.kind == 'f') {
                table(context, table, servers.get(table.oid), columnOptions);
            }
        }
    }

    private static void table(CatalogContext context, Relation table, String[] server,
            Map<String, String> columnOptions) {
        DumpObject object = context.graph.add(ObjectId.of("pg_class", table.oid), Rank.TABLE,
                table.schema + "." + table.name);
        List<String> checks = table.checks.stream().map(Relation.Check::definition).toList();
        List<String> alterations = new ArrayList<>();
        StringBuilder ddl = new StringBuilder("CREATE FOREIGN TABLE ").append(table.qualified());
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
                TableReader.columnDifferences(table, column, inherited, alterations);
                columnOptions(table, column, columnOptions, alterations);
            }
        } else {
            List<String> lines = new ArrayList<>();
            for (Relation.Column column : table.columns) {
                if (!column.local) {
                    Relation.Column parentColumn = table.parents.stream().map(context.relations::get)
                            .flatMap(parent -> parent.columns.stream())
                            .filter(c -> c.name.equals(column.name))
                            .findFirst().orElse(null);
                    TableReader.columnDifferences(table, column, parentColumn, alterations);
                    columnOptions(table, column, columnOptions, alterations);
                    continue;
                }
                String options = columnOptions.get(table.oid + "." + column.name);
                String definition = TableReader.columnDefinition(column, true);
                if (options != null) {
                    // OPTIONS belongs right after the type, before COLLATE, DEFAULT and NOT NULL.
                    String head = Sql.ident(column.name) + " " + column.type;
                    definition = head + " OPTIONS (" + options + ")" + definition.substring(head.length());
                }
                lines.add(definition);
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
        ddl.append("\nSERVER ").append(Sql.ident(server[0])).append(ForeignOptions.clause(server[1])).append(";");
        List<String> statements = new ArrayList<>();
        statements.add(ddl.toString());
        statements.addAll(alterations);
        object.definition(deferred -> statements);
        for (Long parent : table.parents) {
            object.dependsOn.add(ObjectId.of("pg_class", parent));
        }
        TableReader.comments(object, table, "FOREIGN TABLE");
        context.owned(object, "FOREIGN TABLE", table.qualified(), table.owner, PrivilegeReader.Catalog.RELATION,
                table.oid, "TABLE");
    }

    /** Options of a column the table inherits, which its definition cannot name. */
    private static void columnOptions(Relation table, Relation.Column column, Map<String, String> columnOptions,
            List<String> alterations) {
        String options = columnOptions.get(table.oid + "." + column.name);
        if (options != null) {
            alterations.add("ALTER FOREIGN TABLE ONLY " + table.qualified() + " ALTER COLUMN "
                    + Sql.ident(column.name) + " OPTIONS (\n    " + options + "\n);");
        }
    }
}
