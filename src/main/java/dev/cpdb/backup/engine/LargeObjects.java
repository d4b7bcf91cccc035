package dev.cpdb.backup.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;

/**
 * Large objects in backups and restores. They belong to the whole database rather than to a schema, so a backup
 * carries every one of them, as {@code pg_dump} does when no schema is selected.
 *
 * <p>
 * Each large object is written, in oid order, as statements that stock {@code psql} runs and that need no state
 * between them (no large-object descriptors, which live only as long as a transaction):
 *
 * <pre>
 * SELECT pg_catalog.lo_create('16385');
 * SELECT pg_catalog.lo_put('16385', 0, '\x...');        -- one per chunk of at most CHUNK_BYTES, in order
 * COMMENT ON LARGE OBJECT 16385 IS '...';               -- when it has one
 * ALTER LARGE OBJECT 16385 OWNER TO "role";             -- with owners and privileges
 * GRANT SELECT ON LARGE OBJECT 16385 TO "reader";       -- with owners and privileges, when its ACL is not the default
 * </pre>
 *
 * The oid is kept, so that tables holding it still point at the same contents after a restore. Contents are read
 * from the backup's snapshot a chunk at a time ({@code lo_get} reads as of the transaction's snapshot), so neither
 * side ever holds more than a few chunks. Blocking (JDBC).
 */
final class LargeObjects {

    /**
     * Content bytes per {@code lo_put} statement. A restore refuses bigger chunks, which bounds the memory one
     * statement takes (about twice this as hex text, a few copies while it is checked and sent).
     */
    static final int CHUNK_BYTES = 128 * 1024;

    /** Rows of the listing fetched at once; each carries up to one chunk. */
    private static final int FETCH_ROWS = 8;

    /** Large objects written between two calls of the checkpoint. */
    private static final int CHECKPOINT_EVERY = 256;

    /** Called between large objects, e.g. to stop on cancellation or at the deadline. */
    @FunctionalInterface
    interface Checkpoint {
        void reached() throws SQLException;
    }

    private LargeObjects() {
    }

    /**
     * Writes every large object of the database, as the snapshot of {@code connection}'s transaction sees it.
     *
     * @param connection the backup's connection, inside its {@code REPEATABLE READ} transaction
     * @param out the script; not closed here
     * @param ownersAndPrivileges also write each object's owner and privileges
     * @return how many were written and their total size
     */
    static LargeObjectStats write(Connection connection, OutputStream out, boolean ownersAndPrivileges,
            Checkpoint checkpoint) throws SQLException, IOException {
        checkpoint.reached();
        Map<Long, List<String>> privileges = ownersAndPrivileges ? privileges(connection) : Map.of();
        String listing = "SELECT m.oid, pg_catalog.pg_get_userbyid(m.lomowner), d.description, "
                + "pg_catalog.encode(pg_catalog.lo_get(m.oid, 0, " + CHUNK_BYTES + "), 'hex') "
                + "FROM pg_catalog.pg_largeobject_metadata m "
                + "LEFT JOIN pg_catalog.pg_description d ON d.classoid = 'pg_catalog.pg_largeobject'::pg_catalog"
                + ".regclass AND d.objoid = m.oid AND d.objsubid = 0 ORDER BY m.oid";
        long count = 0;
        long bytes = 0;
        // The server writes the hex digits (as it would for bytea output anyway), so they pass through unchanged.
        try (Statement list = connection.createStatement();
                PreparedStatement more = connection.prepareStatement(
                        "SELECT pg_catalog.encode(pg_catalog.lo_get(?, ?, ?), 'hex')")) {
            // A cursor (the connection is in a transaction), so only a few first chunks are held at a time.
            list.setFetchSize(FETCH_ROWS);
            try (ResultSet rs = list.executeQuery(listing)) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    String literal = "'" + oid + "'";
                    write(out, "SELECT pg_catalog.lo_create(" + literal + ");\n");
                    String chunk = rs.getString(4);
                    long offset = 0;
                    while (!chunk.isEmpty()) {
                        write(out, "SELECT pg_catalog.lo_put(" + literal + ", " + offset + ", '\\x");
                        write(out, chunk);
                        write(out, "');\n");
                        offset += chunk.length() / 2;
                        if (chunk.length() < 2 * CHUNK_BYTES) {
                            break;
                        }
                        chunk = read(more, oid, offset);
                    }
                    bytes += offset;
                    if (rs.getString(3) != null) {
                        write(out, "COMMENT ON LARGE OBJECT " + oid + " IS " + Sql.literal(rs.getString(3)) + ";\n");
                    }
                    if (ownersAndPrivileges) {
                        write(out, "ALTER LARGE OBJECT " + oid + " OWNER TO " + Sql.ident(rs.getString(2)) + ";\n");
                        for (String statement : privileges.getOrDefault(oid, List.of())) {
                            write(out, statement + "\n");
                        }
                    }
                    write(out, "\n");
                    if (++count % CHECKPOINT_EVERY == 0) {
                        checkpoint.reached();
                    }
                }
            }
        }
        return new LargeObjectStats(count, bytes);
    }

    /** The hex digits of the chunk of {@code oid} at {@code offset}; empty past the end. */
    private static String read(PreparedStatement more, long oid, long offset) throws SQLException {
        more.setLong(1, oid);
        more.setLong(2, offset);
        more.setInt(3, CHUNK_BYTES);
        try (ResultSet rs = more.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** GRANT and REVOKE statements of the large objects whose ACL is set, by oid. */
    private static Map<Long, List<String>> privileges(Connection connection) throws SQLException {
        List<PrivilegeReader.Target> targets = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT oid FROM pg_catalog.pg_largeobject_metadata "
                        + "WHERE lomacl IS NOT NULL ORDER BY oid")) {
            while (rs.next()) {
                long oid = rs.getLong(1);
                targets.add(new PrivilegeReader.Target(PrivilegeReader.Catalog.LARGE_OBJECT, oid, "LARGE OBJECT",
                        Long.toString(oid), false));
            }
        }
        return PrivilegeReader.byObject(connection, PrivilegeReader.Catalog.LARGE_OBJECT, targets);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What makes the target non-empty as far as large objects go: empty, or one entry saying how many it holds.
     */
    static List<String> inTarget(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_catalog.pg_largeobject_metadata")) {
            rs.next();
            long count = rs.getLong(1);
            return count == 0 ? List.of() : List.of(count + (count == 1 ? " large object" : " large objects"));
        }
    }

    /**
     * For {@code restore --clean}: before the script creates a large object, removes the target's own large object
     * of that oid, if there is one, as {@code pg_restore --clean} unlinks the large objects of its archive. Other
     * large objects of the target are left alone. Does nothing for statements of other forms.
     */
    static void unlinkBeforeCreate(Connection connection, ScriptForms.Form form, String sql) throws SQLException {
        OptionalLong oid = created(form, sql);
        if (oid.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_catalog.lo_unlink(oid) FROM "
                + "pg_catalog.pg_largeobject_metadata WHERE oid = ?")) {
            statement.setLong(1, oid.getAsLong());
            statement.executeQuery().close();
        }
    }

    /** The oid a {@code lo_create} statement creates; empty for other forms. */
    private static OptionalLong created(ScriptForms.Form form, String sql) {
        if (!form.name().equals(ScriptForms.LARGE_OBJECT)) {
            return OptionalLong.empty();
        }
        Matcher matcher = form.matcher(ScriptForms.normalize(sql));
        return matcher != null && matcher.matches() ? OptionalLong.of(Long.parseLong(matcher.group(1)))
                : OptionalLong.empty();
    }

    /**
     * Checks that a script's large-object statements come in the order {@link #write} writes them: each object
     * created once, in increasing oid order; its chunks right after its creation, each starting where the previous
     * one ended and none bigger than {@link #CHUNK_BYTES}; comments, owners and privileges only on the object just
     * created. So a script cannot write into, or change, a large object it did not create itself.
     */
    static final class ScriptCheck {

        private long current = -1;
        private long nextOffset;
        private boolean writing;
        private long count;
        private long bytes;

        /**
         * Checks one statement of {@code form}.
         *
         * @param sql the statement, normalized as {@link ScriptForms#normalize} does
         * @return why it is refused, or null when it is accepted
         */
        String check(ScriptForms.Form form, String sql) {
            boolean wasWriting = writing;
            writing = false;
            if (!form.name().startsWith(ScriptForms.LARGE_OBJECT)) {
                return null;
            }
            String text = form.hexAside() ? ScriptForms.withoutHexDigits(sql) : sql;
            Matcher matcher = text == null ? null : form.pattern().matcher(text);
            if (matcher == null || !matcher.matches()) {
                return "a large-object statement cpdb does not write";
            }
            long oid = parseOid(matcher.group(1));
            if (oid <= 0) {
                return "large object oid " + matcher.group(1) + " is out of range";
            }
            if (form.name().equals(ScriptForms.LARGE_OBJECT)) {
                if (oid <= current) {
                    return "large object " + oid + " is not created in increasing oid order (after " + current + ")";
                }
                current = oid;
                nextOffset = 0;
                writing = true;
                count++;
                return null;
            }
            if (oid != current) {
                return "it concerns large object " + oid + ", but the large object just created is "
                        + (current < 0 ? "none" : Long.toString(current));
            }
            if (form.name().equals(ScriptForms.LARGE_OBJECT_DATA)) {
                if (!wasWriting) {
                    return "data for large object " + oid + " that does not follow its creation or its previous chunk";
                }
                long offset = Long.parseLong(matcher.group(2).length() > 18 ? "-1" : matcher.group(2));
                if (offset != nextOffset) {
                    return "data for large object " + oid + " at offset " + matcher.group(2) + " where offset "
                            + nextOffset + " comes next";
                }
                int hexDigits = sql.length() - text.length();
                if (hexDigits % 2 != 0 || hexDigits == 0 || hexDigits / 2 > CHUNK_BYTES) {
                    return "a chunk of large object " + oid + " that is empty, odd or bigger than " + CHUNK_BYTES
                            + " bytes";
                }
                nextOffset += hexDigits / 2;
                bytes += hexDigits / 2;
                writing = true;
            }
            return null;
        }

        /** The large objects the statements checked so far create. */
        LargeObjectStats stats() {
            return new LargeObjectStats(count, bytes);
        }

        private static long parseOid(String digits) {
            if (digits.length() > 10) {
                return -1;
            }
            long oid = Long.parseLong(digits);
            // 0 would make lo_create pick an oid of its own.
            return oid > 0xFFFFFFFFL ? -1 : oid;
        }
    }
}
