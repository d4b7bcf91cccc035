package dev.cpdb.backup.engine.catalog;

import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.Sql;

/** A table, view, materialized view or sequence of the selected schemas, as {@link RelationCatalog} reads it. */
final class Relation {
    long oid;
    String schema;
    String name;
    char kind;
    char persistence;
    boolean partition;
    String partitionKey;
    String partitionBound;
    String comment;
    String options;
    boolean rowSecurity;
    boolean forceRowSecurity;
    boolean populated;
    char replicaIdentity;
    String viewDefinition;
    String owner;
    /** The composite type a typed table is created {@code OF}, quoted and qualified; null otherwise. */
    String ofType;
    /** A view's {@code _RETURN} rule, whose dependencies are those of the view's query. */
    long viewRule;
    final List<Column> columns = new ArrayList<>();
    final List<Check> checks = new ArrayList<>();
    final List<String> lateChecks = new ArrayList<>();
    final List<String> constraintComments = new ArrayList<>();
    final List<Long> parents = new ArrayList<>();
    int depth;
    /** For a sequence: its options; for an owned sequence the column it belongs to. */
    String ownedBy;

    String qualified() {
        return Sql.qualified(schema, name);
    }

    /** One column. */
    static final class Column {
        int number;
        String name;
        String type;
        boolean notNull;
        String identity;
        String generated;
        boolean local;
        int inheritCount;
        String defaultExpression;
        long defaultOid;
        String collation;
        String comment;
        /** The options of an identity column's sequence ({@code SEQUENCE NAME ... START WITH ...}). */
        String identityOptions;

        boolean isGenerated() {
            return generated != null && !generated.isEmpty();
        }
    }

    /** One valid, local CHECK constraint written with the table. */
    record Check(long oid, String definition) {
    }
}
