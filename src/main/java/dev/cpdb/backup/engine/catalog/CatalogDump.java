package dev.cpdb.backup.engine.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.BackupException;
import dev.cpdb.backup.engine.DumpPlan;
import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;
import dev.cpdb.backup.engine.TableData;

/**
 * Reads the definitions of the selected schemas from the PostgreSQL catalogs and turns them into the statements of
 * a backup script: one {@link ObjectReader} per object kind, the definitions ordered by one
 * {@link DependencyGraph} built from {@code pg_depend}, then the data's tables, then what follows the data.
 *
 * <p>
 * Expects to run inside the backup's snapshot transaction with {@code search_path} set to empty, so that every name
 * the server's deparse functions ({@code pg_get_*def}, {@code format_type}) print is schema-qualified. Objects that
 * belong to an extension are left to {@code CREATE EXTENSION}. Blocking (JDBC).
 */
public final class CatalogDump {

    /** Readers of the definitions before the data; their order only decides the order of reading. */
    private static final List<ObjectReader> DEFINITIONS = List.of(
            new SchemaReader(),
            new ExtensionReader(),
            new LanguageReader(),
            new CollationReader(),
            new TypeReader(),
            new FunctionReader(),
            new AggregateReader(),
            new OperatorReader(),
            new OperatorClassReader(),
            new ConversionReader(),
            new TextSearchReader(),
            new CastReader(),
            new ForeignDataWrapperReader(),
            new ForeignServerReader(),
            new UserMappingReader(),
            new RelationCatalog(),
            new SequenceReader(),
            new TableReader(),
            new ForeignTableReader(),
            new ViewReader(),
            new ColumnOptionsReader(),
            new ExtensionConfigurationReader());

    /** Readers of what follows the data, in the order their statements are written. */
    private static final List<ObjectReader> AFTER_DATA = List.of(
            new SequenceReader.Values(),
            new ExtensionConfigurationReader.SequenceValues(),
            new IndexReader(),
            new ColumnOptionsReader.Indexes(),
            new ForeignKeyReader(),
            new TriggerReader(),
            new RuleReader(),
            new PolicyReader(),
            new StatisticsReader(),
            new PublicationReader());

    private CatalogDump() {
    }

    /**
     * Names of the schemas a backup covers: everything except {@code pg_catalog}, {@code information_schema},
     * {@code pg_toast*}, other {@code pg_*} schemas and schemas created by extensions.
     */
    public static List<String> userSchemas(Connection connection) throws SQLException {
        String sql = "SELECT n.nspname FROM pg_catalog.pg_namespace n "
                + "WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND "
                + CatalogContext.notMember("pg_namespace", "n.oid")
                + " ORDER BY n.nspname";
        List<String> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }

    /**
     * Relations to lock before reading definitions: tables and partitioned tables (PostgreSQL cannot lock
     * materialized views).
     */
    public static List<String> lockTargets(Connection connection, List<String> schemas) throws SQLException {
        String sql = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p') AND "
                + CatalogContext.notMember("pg_class", "c.oid")
                + " ORDER BY n.nspname, c.relname";
        List<String> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    result.add(Sql.qualified(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return result;
    }

    /**
     * Reads the whole plan.
     *
     * @param ownersAndPrivileges also write each object's owner (right after it is created) and its privileges and
     *        the default privileges (after everything else but before materialized views are refreshed, because a
     *        refresh runs with the view owner's privileges)
     * @throws BackupException when the database holds objects this format cannot carry yet (they are named), so a
     *         backup never silently leaves something out
     */
    public static DumpPlan read(Connection connection, List<String> schemas, List<String> lockTargets,
            boolean ownersAndPrivileges) throws SQLException {
        CatalogContext context = new CatalogContext(connection, schemas, ownersAndPrivileges);
        UnsupportedObjects.refuse(context);
        for (ObjectReader reader : DEFINITIONS) {
            reader.read(context);
        }
        context.graph.readDependencies(connection);
        List<String> preData = new ArrayList<>(context.graph.order());
        preData.addAll(context.endOfPreData);
        // After the data, which may break a NOT VALID constraint, and before the comments on constraints.
        for (Relation relation : context.sortedRelations()) {
            context.postData.addAll(relation.lateChecks);
        }
        for (ObjectReader reader : AFTER_DATA) {
            reader.read(context);
        }
        if (ownersAndPrivileges) {
            context.postData.addAll(PrivilegeReader.statements(connection, context.sortedPrivilegeTargets(),
                    schemas));
        }
        ViewReader.refreshes(context, preData);
        // Last, so that no event trigger fires while the restore runs the rest.
        new EventTriggerReader().read(context);
        return new DumpPlan(schemas, preData, tableData(context), context.postData, lockTargets);
    }

    private static List<TableData> tableData(CatalogContext context) {
        List<TableData> tables = new ArrayList<>();
        for (Relation relation : context.relations.values()) {
            if (relation.kind != 'r') {
                continue;
            }
            List<String> columns = relation.columns.stream()
                    .filter(column -> !column.isGenerated())
                    .map(column -> column.name)
                    .toList();
            tables.add(new TableData(relation.schema, relation.name, columns));
        }
        tables.addAll(context.configurationTables);
        return tables;
    }
}
