package dev.cpdb.backup.engine.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.cpdb.backup.engine.BackupException;

/**
 * The ordering of definitions without a database: dependencies first, ties by rank and name (our design, so that a
 * database always gives the same script), and cycles broken by splitting off the part that closes them, preferring a
 * view's query, as pg_dump's sort does.
 */
class DependencyGraphTest {

    @Test
    void dependenciesComeFirstAndTiesFollowRankThenName() {
        DependencyGraph graph = new DependencyGraph();
        graph.add(id("pg_class", 3), Rank.TABLE, "s.b").add("table b");
        graph.add(id("pg_class", 2), Rank.TABLE, "s.a").add("table a");
        DumpObject function = graph.add(id("pg_proc", 1), Rank.FUNCTION, "s.f()");
        function.add("function f");
        graph.add(id("pg_namespace", 9), Rank.SCHEMA, "s").add("schema s");
        function.dependsOn.add(id("pg_class", 3));

        assertEquals(List.of("schema s", "table a", "table b", "function f"), graph.order());
    }

    @Test
    void aViewInACycleIsCreatedAsAPlaceholderAndReplacedAfterwards() {
        DependencyGraph graph = new DependencyGraph();
        DumpObject view = graph.add(id("pg_class", 10), Rank.VIEW, "s.v");
        DumpObject.Part query = view.part(id("pg_rewrite", 11), () -> List.of("replace v"));
        graph.part(view, query);
        view.definition(deferred -> List.of(deferred.contains(id("pg_rewrite", 11)) ? "placeholder v" : "view v"));
        DumpObject function = graph.add(id("pg_proc", 20), Rank.FUNCTION, "s.f()");
        function.add("function f");
        function.dependsOn.add(view.id);
        query.dependsOn.add(function.id);

        assertEquals(List.of("placeholder v", "function f", "replace v"), graph.order());
    }

    @Test
    void aCheckConstraintThatClosesACycleIsAddedAfterTheTable() {
        DependencyGraph graph = new DependencyGraph();
        DumpObject table = graph.add(id("pg_class", 10), Rank.TABLE, "s.t");
        DumpObject.Part check = table.part(id("pg_constraint", 12), () -> List.of("add check"));
        graph.part(table, check);
        table.definition(deferred -> List.of(deferred.isEmpty() ? "table with check" : "table"));
        DumpObject function = graph.add(id("pg_proc", 20), Rank.FUNCTION, "s.f(s.t)");
        function.add("function f");
        function.dependsOn.add(table.id);
        check.dependsOn.add(function.id);

        assertEquals(List.of("table", "function f", "add check"), graph.order());
    }

    @Test
    void aCycleWithoutAPartToSplitOffFailsTheBackupNamingItsObjects() {
        DependencyGraph graph = new DependencyGraph();
        DumpObject a = graph.add(id("pg_proc", 1), Rank.FUNCTION, "s.a()");
        DumpObject b = graph.add(id("pg_proc", 2), Rank.FUNCTION, "s.b()");
        a.dependsOn.add(b.id);
        b.dependsOn.add(a.id);

        BackupException e = assertThrows(BackupException.class, graph::order);

        assertTrue(e.getMessage().contains("circular dependencies between s.a(), s.b()"), e.getMessage());
    }

    private static ObjectId id(String catalog, long oid) {
        return ObjectId.of(catalog, oid);
    }
}
