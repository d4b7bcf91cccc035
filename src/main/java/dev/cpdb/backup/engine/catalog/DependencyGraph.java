package dev.cpdb.backup.engine.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

import dev.cpdb.backup.engine.BackupException;

/**
 * The objects of a backup's definitions, keyed by catalog and oid, with their dependencies from {@code pg_depend},
 * sorted so that each object comes after what it needs, as pg_dump sorts its archive.
 *
 * <p>
 * Sub-objects that are created with their owner (column defaults, constraints, a view's rule, array and row types,
 * a range's multirange, members of operator classes and families, extension members) are aliases of that owner, so
 * a dependency recorded on them orders the owner. Ties between independent objects are broken by {@link Rank}, then
 * by name, then by id, so that the script is deterministic. A cycle is broken the way pg_dump breaks it: the part of
 * one object that closes it (a view's query, a table's or domain's CHECK constraint, a column default) is split off
 * and created later, after what it needs.
 */
final class DependencyGraph {

    private final Map<ObjectId, DumpObject> objects = new LinkedHashMap<>();
    private final Map<ObjectId, ObjectId> aliases = new HashMap<>();
    /** Sub-objects that are a {@link DumpObject.Part} of an object: sub-object to owner. */
    private final Map<ObjectId, ObjectId> partOwners = new HashMap<>();
    private final Set<ObjectId> deferred = new LinkedHashSet<>();

    /** Adds an object; {@code sortName} breaks ties between objects of one rank. */
    DumpObject add(ObjectId id, Rank rank, String sortName) {
        DumpObject object = new DumpObject(id, rank, sortName);
        objects.put(id, object);
        return object;
    }

    boolean contains(ObjectId id) {
        return objects.containsKey(id);
    }

    DumpObject get(ObjectId id) {
        return objects.get(id);
    }

    /** Declares that {@code subObject} is created together with {@code owner}. */
    void alias(ObjectId subObject, ObjectId owner) {
        aliases.put(subObject, owner);
    }

    /** Declares {@code part}, registered on {@code owner}, as a part that may be split off. */
    void part(DumpObject owner, DumpObject.Part part) {
        partOwners.put(part.subObject, owner.id);
    }

    /**
     * Reads the sub-objects every object kind has (defaults, constraints, rules, array and row types, extension
     * members), then every normal and automatic dependency between the objects of the graph.
     */
    void readDependencies(Connection connection) throws SQLException {
        String subObjects = "SELECT 'pg_attrdef', d.oid, 'pg_class', d.adrelid FROM pg_catalog.pg_attrdef d "
                + "UNION ALL SELECT 'pg_constraint', c.oid, CASE WHEN c.contypid <> 0 THEN 'pg_type' ELSE 'pg_class' "
                + "END, CASE WHEN c.contypid <> 0 THEN c.contypid ELSE c.conrelid END FROM pg_catalog.pg_constraint c "
                + "WHERE c.contype = 'c' "
                + "UNION ALL SELECT 'pg_rewrite', r.oid, 'pg_class', r.ev_class FROM pg_catalog.pg_rewrite r "
                + "WHERE r.rulename = '_RETURN' "
                + "UNION ALL SELECT 'pg_type', t.oid, 'pg_type', t.typelem FROM pg_catalog.pg_type t "
                + "WHERE t.typcategory = 'A' AND t.typelem <> 0 "
                + "UNION ALL SELECT 'pg_type', t.oid, 'pg_class', t.typrelid FROM pg_catalog.pg_type t "
                + "WHERE t.typrelid <> 0 AND t.typtype = 'c' "
                + "UNION ALL SELECT " + catalogName("m.classid") + ", m.objid, " + catalogName("m.refclassid")
                + ", m.refobjid FROM pg_catalog.pg_depend m WHERE m.classid IN ('pg_catalog.pg_amop'::pg_catalog.regclass, "
                + "'pg_catalog.pg_amproc'::pg_catalog.regclass) AND m.refclassid IN ("
                + "'pg_catalog.pg_opclass'::pg_catalog.regclass, 'pg_catalog.pg_opfamily'::pg_catalog.regclass) "
                + "AND m.deptype IN ('i', 'a') "
                + "UNION ALL SELECT " + catalogName("e.classid") + ", e.objid, 'pg_extension', e.refobjid "
                + "FROM pg_catalog.pg_depend e WHERE e.deptype = 'e' "
                + "AND e.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass";
        try (PreparedStatement statement = connection.prepareStatement(subObjects);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                ObjectId sub = ObjectId.of(rs.getString(1), rs.getLong(2));
                if (!objects.containsKey(sub)) {
                    aliases.putIfAbsent(sub, ObjectId.of(rs.getString(3), rs.getLong(4)));
                }
            }
        }
        String sql = "SELECT " + catalogName("d.classid") + ", d.objid, " + catalogName("d.refclassid")
                + ", d.refobjid, d.deptype FROM pg_catalog.pg_depend d WHERE d.deptype IN ('n', 'a')";
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                ObjectId from = ObjectId.of(rs.getString(1), rs.getLong(2));
                ObjectId to = resolve(ObjectId.of(rs.getString(3), rs.getLong(4)));
                depend(from, to, rs.getString(5).equals("a"));
            }
        }
    }

    private void depend(ObjectId from, ObjectId to, boolean automatic) {
        if (to == null) {
            return;
        }
        ObjectId owner = partOwners.get(from);
        if (owner != null) {
            DumpObject object = objects.get(owner);
            if (!owner.equals(to)) {
                object.parts.get(from).dependsOn.add(to);
            }
            return;
        }
        ObjectId resolved = resolve(from);
        if (resolved == null || resolved.equals(to)) {
            return;
        }
        DumpObject dependent = objects.get(resolved);
        // OWNED BY links a sequence to its column; the column's default needs the sequence first.
        if (automatic && dependent.rank == Rank.SEQUENCE) {
            return;
        }
        dependent.dependsOn.add(to);
    }

    private static String catalogName(String column) {
        return "pg_catalog.regexp_replace(" + column + "::pg_catalog.regclass::text, '^pg_catalog\\.', '')";
    }

    private ObjectId resolve(ObjectId id) {
        ObjectId current = id;
        for (int hops = 0; hops < 10 && current != null; hops++) {
            if (objects.containsKey(current)) {
                return current;
            }
            ObjectId owner = partOwners.get(current);
            current = owner != null ? owner : aliases.get(current);
        }
        return null;
    }

    /** All statements in dependency order, breaking cycles as pg_dump does. */
    List<String> order() {
        while (true) {
            List<ObjectId> cycle = new ArrayList<>();
            List<DumpObject> sorted = sort(cycle);
            if (cycle.isEmpty()) {
                List<String> statements = new ArrayList<>();
                for (DumpObject object : sorted) {
                    statements.addAll(object.render(deferred));
                }
                return statements;
            }
            breakCycle(cycle);
        }
    }

    /** What an object needs first: its own dependencies and those of its parts that are not split off. */
    private Set<ObjectId> needs(DumpObject object) {
        Set<ObjectId> needs = new LinkedHashSet<>(object.dependsOn);
        for (DumpObject.Part part : object.parts.values()) {
            if (!deferred.contains(part.subObject)) {
                needs.addAll(part.dependsOn);
            }
        }
        needs.remove(object.id);
        needs.retainAll(objects.keySet());
        return needs;
    }

    /** A topological sort; when it is stuck, fills {@code cycle} with one cycle among the rest. */
    private List<DumpObject> sort(List<ObjectId> cycle) {
        Map<ObjectId, Set<ObjectId>> needs = new HashMap<>();
        Map<ObjectId, List<DumpObject>> dependents = new HashMap<>();
        Map<ObjectId, Integer> missing = new HashMap<>();
        for (DumpObject object : objects.values()) {
            Set<ObjectId> objectNeeds = needs(object);
            needs.put(object.id, objectNeeds);
            missing.put(object.id, objectNeeds.size());
            for (ObjectId dependency : objectNeeds) {
                dependents.computeIfAbsent(dependency, key -> new ArrayList<>()).add(object);
            }
        }
        PriorityQueue<DumpObject> ready = new PriorityQueue<>(Comparator.<DumpObject, Rank>comparing(o -> o.rank)
                .thenComparing(o -> o.sortName).thenComparing(o -> o.id));
        objects.values().stream().filter(object -> missing.get(object.id) == 0).forEach(ready::add);
        List<DumpObject> sorted = new ArrayList<>();
        Set<ObjectId> done = new HashSet<>();
        while (!ready.isEmpty()) {
            DumpObject next = ready.poll();
            sorted.add(next);
            done.add(next.id);
            for (DumpObject dependent : dependents.getOrDefault(next.id, List.of())) {
                if (missing.merge(dependent.id, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (sorted.size() < objects.size()) {
            cycle.addAll(findCycle(needs, done));
        }
        return sorted;
    }

    private List<ObjectId> findCycle(Map<ObjectId, Set<ObjectId>> needs, Set<ObjectId> done) {
        // Every object left waits for another object left; walking such waits must come back to one seen before.
        ObjectId start = objects.values().stream().map(o -> o.id).filter(id -> !done.contains(id)).sorted()
                .findFirst().orElseThrow();
        List<ObjectId> path = new ArrayList<>();
        Map<ObjectId, Integer> seen = new HashMap<>();
        ObjectId current = start;
        while (!seen.containsKey(current)) {
            seen.put(current, path.size());
            path.add(current);
            current = needs.get(current).stream().filter(id -> !done.contains(id)).sorted().findFirst().orElseThrow();
        }
        return new ArrayList<>(path.subList(seen.get(current), path.size()));
    }

    /**
     * Splits off a part that closes {@code cycle}: preferably a view's query (the view is first created with the
     * right columns and no dependencies, then replaced), else a CHECK constraint or a column default.
     */
    private void breakCycle(List<ObjectId> cycle) {
        DumpObject.Part best = null;
        DumpObject bestOwner = null;
        for (int i = 0; i < cycle.size(); i++) {
            DumpObject object = objects.get(cycle.get(i));
            ObjectId needed = cycle.get((i + 1) % cycle.size());
            if (object.dependsOn.contains(needed)) {
                continue;
            }
            for (DumpObject.Part part : object.parts.values()) {
                if (!deferred.contains(part.subObject) && part.dependsOn.contains(needed)
                        && (best == null || preference(part) < preference(best))) {
                    best = part;
                    bestOwner = object;
                }
            }
        }
        if (best == null) {
            String names = cycle.stream().map(objects::get).map(o -> o.sortName).collect(Collectors.joining(", "));
            throw new BackupException("ordering definitions", "circular dependencies between " + names, false);
        }
        deferred.add(best.subObject);
        DumpObject split = add(best.subObject, Rank.DEFERRED_PART, bestOwner.sortName);
        split.dependsOn.add(bestOwner.id);
        split.dependsOn.addAll(best.dependsOn);
        best.later.get().forEach(split::add);
    }

    private static int preference(DumpObject.Part part) {
        return switch (part.subObject.catalog()) {
            case "pg_rewrite" -> 0;
            case "pg_constraint" -> 1;
            default -> 2;
        };
    }
}
