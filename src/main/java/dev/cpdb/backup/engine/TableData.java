package dev.cpdb.backup.engine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A table whose rows go into the backup, with the columns COPY carries (stored generated columns are left out: the
 * server computes them again on restore).
 *
 * @param filter for an extension's configuration table, the condition its extension registered with
 *        {@code pg_extension_config_dump} (a {@code WHERE} clause, or empty for all rows): only those rows are the
 *        user's, the extension creates the others; null for every other table
 */
public record TableData(String schema, String name, List<String> columns, String filter) {

    public TableData {
        columns = List.copyOf(columns);
    }

    public TableData(String schema, String name, List<String> columns) {
        this(schema, name, columns, null);
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
        if (filter != null) {
            String columns = columns().stream().map(Sql::ident).collect(Collectors.joining(", "));
            return "COPY (SELECT " + (columns.isEmpty() ? "" : columns) + " FROM ONLY " + qualifiedName() + " "
                    + filter + ") TO STDOUT";
        }
        return "COPY " + qualifiedName() + columnList() + " TO STDOUT";
    }

    /** The statement in the script that loads them back. */
    public String copyInSql() {
        return "COPY " + qualifiedName() + columnList() + " FROM stdin";
    }
}
