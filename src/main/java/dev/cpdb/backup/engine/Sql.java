package dev.cpdb.backup.engine;

/**
 * Quoting helpers for the SQL cpdb writes into backup scripts. Identifiers are always quoted, which is valid for
 * every name (reserved words, mixed case, spaces, unicode) and keeps the rule simple.
 */
public final class Sql {

    private Sql() {
    }

    /** A double-quoted identifier. */
    public static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A schema-qualified, quoted name. */
    public static String qualified(String schema, String name) {
        return ident(schema) + "." + ident(name);
    }

    /** A standard single-quoted string literal (standard_conforming_strings is on in every script). */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
