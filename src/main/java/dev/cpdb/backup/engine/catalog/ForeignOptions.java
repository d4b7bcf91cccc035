package dev.cpdb.backup.engine.catalog;

/** The {@code OPTIONS (...)} clause of foreign-data objects, read as the server stores them. */
final class ForeignOptions {

    private ForeignOptions() {
    }

    /**
     * SQL that turns the options column {@code column} (a {@code text[]} of {@code name=value}) into
     * {@code "name" 'value', ...} in their stored order, or null when there are none.
     */
    static String sql(String column) {
        return "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(o.name) || ' ' || "
                + "pg_catalog.quote_literal(o.value), ', ' ORDER BY o.position) FROM pg_catalog.pg_options_to_table("
                + column + ") WITH ORDINALITY o(name, value, position))";
    }

    /** {@code " OPTIONS (...)"}, or nothing when {@code options} is null. */
    static String clause(String options) {
        return options == null ? "" : " OPTIONS (\n    " + options + "\n)";
    }
}
