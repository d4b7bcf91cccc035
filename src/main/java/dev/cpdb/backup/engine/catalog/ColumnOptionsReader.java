package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.Sql;

/**
 * Column options that {@code CREATE TABLE} cannot say, written right after the relation as pg_dump does: a
 * statistics target ({@code SET STATISTICS}), a storage other than the type's ({@code SET STORAGE}), a compression
 * method ({@code SET COMPRESSION}) and attribute options ({@code SET (n_distinct = ...)}), on tables, partitions,
 * materialized views and foreign tables. {@link Indexes} writes the statistics targets of index columns after the
 * indexes.
 */
final class ColumnOptionsReader implements ObjectReader {

    /**
     * A column's attribute options but the server's own: the PostgreSQL 18.7 binaries keep an attribute version among
     * them ({@code pg_attver}) on every column, which {@code SET} neither needs nor changes.
     */
    private static final String USER_OPTIONS = "(SELECT pg_catalog.string_agg(o, ', ') FROM "
            + "pg_catalog.unnest(a.attoptions) o WHERE o !~ '^pg_attver=')";

    @Override
    public void read(CatalogContext context) throws SQLException {
        // Up to PostgreSQL 16 an unset statistics target is -1, from 17 on it is null; both fail ">= 0".
        String sql = "SELECT a.attrelid, a.attname, a.attstattarget, CASE WHEN a.attstorage <> t.typstorage THEN "
                + "a.attstorage END, a.attcompression::text, " + USER_OPTIONS + " "
                + "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                + "WHERE a.attrelid = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped AND (a.attstattarget >= 0 "
                + "OR a.attstorage <> t.typstorage OR a.attcompression::text <> '' OR " + USER_OPTIONS
                + " IS NOT NULL) ORDER BY a.attrelid, a.attnum";
        try (PreparedStatement statement = context.prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation relation = context.relations.get(rs.getLong(1));
                DumpObject object = context.graph.get(ObjectId.of("pg_class", relation.oid));
                String alter = alterPrefix(relation);
                if (object == null || alter == null) {
                    continue;
                }
                String column = alter + " ALTER COLUMN " + Sql.ident(rs.getString(2));
                int statistics = rs.getInt(3);
                if (!rs.wasNull() && statistics >= 0) {
                    object.add(column + " SET STATISTICS " + statistics + ";");
                }
                String storage = rs.getString(4);
                if (storage != null) {
                    object.add(column + " SET STORAGE " + storageName(storage) + ";");
                }
                String compression = rs.getString(5);
                if (compression != null && !compression.isEmpty()) {
                    object.add(column + " SET COMPRESSION " + compressionName(compression) + ";");
                }
                String options = rs.getString(6);
                if (options != null && !options.isEmpty()) {
                    object.add(column + " SET (" + options + ");");
                }
            }
        }
    }

    /** How to alter a relation's column, or null for relations whose columns take no options (views, sequences). */
    private static String alterPrefix(Relation relation) {
        return switch (relation.kind) {
            case 'r', 'p' -> "ALTER TABLE ONLY " + relation.qualified();
            case 'm' -> "ALTER MATERIALIZED VIEW " + relation.qualified();
            case 'f' -> "ALTER FOREIGN TABLE ONLY " + relation.qualified();
            default -> null;
        };
    }

    private static String storageName(String code) {
        return switch (code) {
            case "p" -> "PLAIN";
            case "e" -> "EXTERNAL";
            case "m" -> "MAIN";
            case "x" -> "EXTENDED";
            default -> throw new IllegalStateException("unknown column storage " + code);
        };
    }

    private static String compressionName(String code) {
        return switch (code) {
            case "p" -> "pglz";
            case "l" -> "lz4";
            default -> throw new IllegalStateException("unknown column compression " + code);
        };
    }

    /** Statistics targets of index columns ({@code ALTER INDEX ... ALTER COLUMN n SET STATISTICS}), after the indexes. */
    static final class Indexes implements ObjectReader {

        @Override
        public void read(CatalogContext context) throws SQLException {
            String sql = "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
                    + "a.attnum, a.attstattarget FROM pg_catalog.pg_index i "
                    + "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    + "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indexrelid "
                    + "WHERE i.indrelid = ANY (?) AND a.attnum > 0 AND a.attstattarget >= 0 "
                    + "ORDER BY n.nspname, c.relname, a.attnum";
            try (PreparedStatement statement = context.prepareForRelations(sql);
                    ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    context.postData.add("ALTER INDEX " + rs.getString(1) + " ALTER COLUMN " + rs.getInt(2)
                            + " SET STATISTICS " + rs.getInt(3) + ";");
                }
            }
        }
    }
}
