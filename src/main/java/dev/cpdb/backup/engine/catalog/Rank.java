package dev.cpdb.backup.engine.catalog;

/**
 * The order in which independent objects are written: dependencies decide first, the rank only breaks ties, as
 * pg_dump's sort priorities do, so that the same database always gives the same script.
 */
enum Rank {
    SCHEMA,
    EXTENSION,
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
    SEQUENCE,
    TABLE,
    VIEW,
    /** A part of an object split off to break a dependency cycle. */
    DEFERRED_PART
}
