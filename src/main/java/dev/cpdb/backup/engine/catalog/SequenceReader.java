package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;

/**
 * Sequences that are not an identity column's: {@code CREATE SEQUENCE} with their options before the data,
 * {@code OWNED BY} at the end of the definitions and their current values after the data.
 */
final class SequenceReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        for (Relation sequence : context.relations.values()) {
            if (sequence.kind != 'S') {
                continue;
            }
            DumpObject object = context.graph.add(ObjectId.of("pg_class", sequence.oid), Rank.SEQUENCE,
                    sequence.schema + "." + sequence.name);
            object.add("CREATE " + (sequence.persistence == 'u' ? "UNLOGGED " : "") + "SEQUENCE "
                    + sequence.qualified() + " " + sequence.options + ";");
            CatalogContext.comment(object, "SEQUENCE", sequence.qualified(), sequence.comment);
            // Before OWNED BY (at the end of the definitions), which needs the table and the sequence to share an
            // owner.
            context.owned(object, "SEQUENCE", sequence.qualified(), sequence.owner, PrivilegeReader.Catalog.RELATION,
                    sequence.oid, "SEQUENCE");
            if (sequence.ownedBy != null) {
                context.endOfPreData.add("ALTER SEQUENCE " + sequence.qualified() + " OWNED BY " + sequence.ownedBy
                        + ";");
            }
        }
    }

    /** The values of every sequence, identity sequences included, after the data. */
    static final class Values implements ObjectReader {

        @Override
        public void read(CatalogContext context) throws SQLException {
            String sql = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE c.relkind = 'S' AND n.nspname = ANY (?) AND "
                    + CatalogContext.notMember("pg_class", "c.oid")
                    + " ORDER BY n.nspname, c.relname";
            try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String sequence = Sql.qualified(rs.getString(1), rs.getString(2));
                    try (PreparedStatement values = context.connection.prepareStatement(
                            "SELECT last_value, is_called FROM " + sequence);
                            ResultSet value = values.executeQuery()) {
                        value.next();
                        context.postData.add("SELECT pg_catalog.setval(" + Sql.literal(sequence) + ", "
                                + value.getLong(1) + ", " + value.getBoolean(2) + ");");
                    }
                }
            }
        }
    }
}
