package dev.cpdb.backup.engine.catalog;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/**
 * Views and materialized views (created without data; {@link #refreshes} fills them after the data). A view whose
 * query closes a dependency cycle (e.g. with a function returning the view's row type) is first created as a
 * placeholder with the same columns and no dependencies, and replaced by its real query once what it reads
 * exists, as pg_dump does.
 */
final class ViewReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        for (Relation view : context.relations.values()) {
            if (view.kind == 'v' || view.kind == 'm') {
                view(context, view);
            }
        }
    }

    private static void view(CatalogContext context, Relation view) {
        DumpObject object = context.graph.add(ObjectId.of("pg_class", view.oid), Rank.VIEW,
                view.schema + "." + view.name);
        String definition = view.viewDefinition.strip();
        if (definition.endsWith(";")) {
            definition = definition.substring(0, definition.length() - 1);
        }
        String query = definition;
        String options = view.options == null || view.options.isEmpty() ? "" : " WITH (" + view.options + ")";
        if (view.kind == 'm') {
            object.definition(deferred -> List.of("CREATE MATERIALIZED VIEW " + view.qualified() + options + " AS\n"
                    + query + "\nWITH NO DATA;"));
        } else {
            ObjectId rule = ObjectId.of("pg_rewrite", view.viewRule);
            if (view.viewRule != 0) {
                context.graph.part(object, object.part(rule, () -> List.of("CREATE OR REPLACE VIEW "
                        + view.qualified() + options + " AS\n" + query + ";")));
            }
            object.definition(deferred -> deferred.contains(rule)
                    ? List.of("CREATE VIEW " + view.qualified() + " AS\n SELECT " + placeholderColumns(view) + ";")
                    : List.of("CREATE VIEW " + view.qualified() + options + " AS\n" + query + ";"));
        }
        String word = view.kind == 'm' ? "MATERIALIZED VIEW" : "VIEW";
        TableReader.comments(object, view, word);
        context.owned(object, word, view.qualified(), view.owner, PrivilegeReader.Catalog.RELATION, view.oid,
                "TABLE");
    }

    /** Columns of the right names, types and collations, all null, so that the placeholder depends on nothing. */
    private static String placeholderColumns(Relation view) {
        return view.columns.stream()
                .map(column -> "NULL::" + column.type + (column.collation == null ? "" : " COLLATE "
                        + column.collation) + " AS " + Sql.ident(column.name))
                .collect(Collectors.joining(",\n    "));
    }

    /**
     * Refreshes every populated materialized view after the data and the privileges, in creation order, which
     * already puts a view after the views it reads.
     */
    static void refreshes(CatalogContext context, List<String> preData) {
        List<Relation> populated = context.relations.values().stream()
                .filter(relation -> relation.kind == 'm' && relation.populated)
                .sorted(java.util.Comparator.comparingInt(relation -> indexOfCreation(preData, relation)))
                .toList();
        for (Relation view : populated) {
            context.postData.add("REFRESH MATERIALIZED VIEW " + view.qualified() + ";");
        }
    }

    private static int indexOfCreation(List<String> preData, Relation view) {
        String prefix = "CREATE MATERIALIZED VIEW " + view.qualified() + " ";
        for (int i = 0; i < preData.size(); i++) {
            if (preData.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }
}
