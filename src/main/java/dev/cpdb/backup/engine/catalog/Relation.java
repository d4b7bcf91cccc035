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
    /**
     * The table access method a table is created {@code USING}: a partitioned table's when one is set (PostgreSQL
     * 17 on), another table's when it is not heap; null otherwise.
     */
    String accessMethod;
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
        /** {@code attnotnull}: the column refuses nulls, by a constraint of its own or an inherited one. */
        boolean notNull;
        /**
         * Whether the table's definition writes the column's NOT NULL: before PostgreSQL 18 whenever it refuses nulls;
         * from 18 on, when the table declares a valid not-null constraint itself, whose name and NO INHERIT are then
         * kept ({@link #notNullName}, {@link #notNullNoInherit}). An inherited one comes with the parent, a NOT VALID
         * one is added after the data.
         */
        boolean notNullDeclared;
        String notNullName;
        boolean notNullNoInherit;
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

        /** What a column definition writes for its NOT NULL, e.g. {@code CONSTRAINT x NOT NULL NO INHERIT}. */
        String notNullClause() {
            return (notNullName == null ? "" : "CONSTRAINT " + Sql.ident(notNullName) + " ") + "NOT NULL"
                    + (notNullNoInherit ? " NO INHERIT" : "");
        }
    }

    /** One valid, local CHECK constraint written with the table. */
    record Check(long oid, String definition) {
    }
}
