package dev.cpdb.backup.engine.catalog;

/**
 * The order in which independent objects are written: dependencies decide first, the rank only breaks ties, as
 * pg_dump's sort priorities do, so that the same database always gives the same script.
 */
enum Rank {
    SCHEMA,
    EXTENSION,
    /** Procedural languages that are not extensions. */
    LANGUAGE,
    COLLATION,
    TYPE,
    FUNCTION,
    AGGREGATE,
    OPERATOR,
    OPERATOR_FAMILY,
    OPERATOR_CLASS,
    CONVERSION,
    TEXT_SEARCH,
    CAST,
    /** Foreign-data wrappers, servers and user mappings. */
    FOREIGN_DATA,
    SEQUENCE,
    TABLE,
    VIEW,
    /** A part of an object split off to break a dependency cycle. */
    DEFERRED_PART
}
