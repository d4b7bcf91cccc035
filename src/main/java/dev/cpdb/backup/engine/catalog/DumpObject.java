package dev.cpdb.backup.engine.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One object created before the data: the statements that create it and the objects it needs first. Parts of its
 * definition that carry dependencies of their own (a table's CHECK constraints and column defaults, a view's query)
 * are kept as {@link Part}s, so that the ordering can split one off when it closes a cycle.
 */
final class DumpObject {

    final ObjectId id;
    final Rank rank;
    final String sortName;
    final Set<ObjectId> dependsOn = new LinkedHashSet<>();
    final Map<ObjectId, Part> parts = new LinkedHashMap<>();
    private final List<String> statements = new ArrayList<>();
    private Function<Set<ObjectId>, List<String>> definition;

    DumpObject(ObjectId id, Rank rank, String sortName) {
        this.id = id;
        this.rank = rank;
        this.sortName = sortName;
    }

    /** Adds a statement written after the definition (comments, owner). */
    DumpObject add(String statement) {
        statements.add(statement);
        return this;
    }

    List<String> statements() {
        return statements;
    }

    /**
     * Sets the statements that create the object, built from the ids of the parts that were split off (they are
     * then left out, the split part creates them later).
     */
    void definition(Function<Set<ObjectId>, List<String>> build) {
        this.definition = build;
    }

    /** Registers a part (a sub-object in the catalogs, e.g. a constraint) that can be created on its own. */
    Part part(ObjectId subObject, Supplier<List<String>> later) {
        Part part = new Part(subObject, later);
        parts.put(subObject, part);
        return part;
    }

    /** Everything this object writes, given the parts that were split off. */
    List<String> render(Set<ObjectId> deferred) {
        List<String> all = new ArrayList<>();
        if (definition != null) {
            all.addAll(definition.apply(deferred));
        }
        all.addAll(statements);
        return all;
    }

    /** A piece of an object's definition that carries its own dependencies. */
    static final class Part {
        final ObjectId subObject;
        final Set<ObjectId> dependsOn = new LinkedHashSet<>();
        /** The statements that create the part on its own, after its owner. */
        final Supplier<List<String>> later;

        Part(ObjectId subObject, Supplier<List<String>> later) {
            this.subObject = subObject;
            this.later = later;
        }
    }
}
