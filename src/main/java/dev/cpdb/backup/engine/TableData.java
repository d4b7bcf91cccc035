package dev.cpdb.backup.engine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A table whose rows go into the backup, with the columns COPY carries (stored generated columns are left out: the
 * server computes them again on restore).
 */
public record TableData(String schema, String name, List<String> columns) {

    public TableData {
        columns = List.copyOf(columns);
    }

    /** {@code "schema"."name"}. */
    public String qualifiedName() {
        return Sql.qualified(schema, name);
    }

    /** Human-readable name for messages and manifests. */
    public String displayName() {
        return schema + "." + name;
    }

    private String columnList() {
        if (columns.isEmpty()) {
            return "";
        }
        return " (" + columns.stream().map(Sql::ident).collect(Collectors.joining(", ")) + ")";
    }

    /** The statement that streams the rows out. */
    public String copyOutSql() {
        return "COPY " + qualifiedName() + columnList() + " TO STDOUT";
    }

    /** The statement in the script that loads them back. */
    public String copyInSql() {
        return "COPY " + qualifiedName() + columnList() + " FROM stdin";
    }
}
