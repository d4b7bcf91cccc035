package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import dev.cpdb.backup.engine.Sql;

/**
 * Primary keys, unique and exclusion constraints and indexes after the data, parents before partitions (whose
 * indexes are attached to the parent's), then {@code CLUSTER ON} and replica identities.
 */
final class IndexReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        writeKeysAndIndexes(context);
    }

    private static void writeKeysAndIndexes(CatalogContext context) throws SQLException {
        // Parents before partitions: an index on a partitioned table is created ON ONLY the parent, the partitions'
        // own indexes are then attached to it, as pg_dump does.
        TreeMap<Integer, List<String>> byDepth = new TreeMap<>();
        List<String> attachments = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        String constraints = "SELECT c.conrelid, c.conname, pg_catalog.pg_get_constraintdef(c.oid), "
                + "pg_catalog.obj_description(c.oid, 'pg_constraint'), "
                + "(SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pc.relname) "
                + "FROM pg_catalog.pg_inherits pi JOIN pg_catalog.pg_class pc ON pc.oid = pi.inhparent "
                + "JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE pi.inhrelid = c.conindid), "
                + "(SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(ic.relname) "
                + "FROM pg_catalog.pg_class ic JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace "
                + "WHERE ic.oid = c.conindid), i.indisclustered "
                + "FROM pg_catalog.pg_constraint c LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.conindid "
                + "WHERE c.conrelid = ANY (?) AND c.contype IN ('p', 'u', 'x') "
                + "ORDER BY c.conrelid::pg_catalog.regclass::text, c.conname";
        try (PreparedStatement statement = context.prepareForRelations(constraints);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = context.relations.get(rs.getLong(1));
                String name = Sql.ident(rs.getString(2));
                List<String> bucket = byDepth.computeIfAbsent(table.depth, depth -> new ArrayList<>());
                bucket.add("ALTER TABLE ONLY " + table.qualified() + " ADD CONSTRAINT " + name + " "
                        + rs.getString(3) + ";");
                if (rs.getString(4) != null) {
                    bucket.add("COMMENT ON CONSTRAINT " + name + " ON " + table.qualified() + " IS "
                            + Sql.literal(rs.getString(4)) + ";");
                }
                if (rs.getString(5) != null) {
                    attachments.add("ALTER INDEX " + rs.getString(5) + " ATTACH PARTITION " + rs.getString(6) + ";");
                }
                if (rs.getBoolean(7)) {
                    tail.add("ALTER TABLE " + table.qualified() + " CLUSTER ON " + name + ";");
                }
            }
        }
        String indexes = "SELECT i.indrelid, pg_catalog.pg_get_indexdef(i.indexrelid), "
                + "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(ic.relname), "
                + "pg_catalog.obj_description(i.indexrelid, 'pg_class'), "
                + "(SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pc.relname) "
                + "FROM pg_catalog.pg_inherits pi JOIN pg_catalog.pg_class pc ON pc.oid = pi.inhparent "
                + "JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE pi.inhrelid = i.indexrelid), "
                + "i.indisclustered, pg_catalog.quote_ident(ic.relname) "
                + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace "
                + "WHERE i.indrelid = ANY (?) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c "
                + "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) "
                + "ORDER BY i.indrelid::pg_catalog.regclass::text, ic.relname";
        try (PreparedStatement statement = context.prepareForRelations(indexes);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = context.relations.get(rs.getLong(1));
                List<String> bucket = byDepth.computeIfAbsent(table.depth, depth -> new ArrayList<>());
                bucket.add(rs.getString(2) + ";");
                if (rs.getString(4) != null) {
                    bucket.add("COMMENT ON INDEX " + rs.getString(3) + " IS " + Sql.literal(rs.getString(4)) + ";");
                }
                if (rs.getString(5) != null) {
                    attachments.add("ALTER INDEX " + rs.getString(5) + " ATTACH PARTITION " + rs.getString(3) + ";");
                }
                if (rs.getBoolean(6)) {
                    tail.add("ALTER TABLE " + table.qualified() + " CLUSTER ON " + rs.getString(7) + ";");
                }
            }
        }
        byDepth.values().forEach(context.postData::addAll);
        context.postData.addAll(attachments);
        context.postData.addAll(tail);
        for (Relation relation : context.sortedRelations()) {
            if (relation.kind == 'r' || relation.kind == 'p' || relation.kind == 'm') {
                replicaIdentity(context, relation);
            }
        }
    }

    private static void replicaIdentity(CatalogContext context, Relation relation) throws SQLException {
        switch (relation.replicaIdentity) {
            case 'f' -> context.postData.add("ALTER TABLE ONLY " + relation.qualified() + " REPLICA IDENTITY FULL;");
            case 'n' -> context.postData.add("ALTER TABLE ONLY " + relation.qualified() + " REPLICA IDENTITY NOTHING;");
            case 'i' -> {
                try (PreparedStatement statement = context.connection
                        .prepareStatement("SELECT pg_catalog.quote_ident(c.relname) "
                                + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                                + "WHERE i.indrelid = ? AND i.indisreplident")) {
                    statement.setLong(1, relation.oid);
                    try (ResultSet rs = statement.executeQuery()) {
                        if (rs.next()) {
                            context.postData
                                    .add("ALTER TABLE ONLY " + relation.qualified() + " REPLICA IDENTITY USING INDEX "
                                            + rs.getString(1) + ";");
                        }
                    }
                }
            }
            default -> {
                // 'd': the default, nothing to write
            }
        }
    }
}
