package dev.cpdb.backup.engine;

/**
 * Rows and bytes (COPY text, uncompressed) of one table in a backup.
 */
public record TableStats(String schema, String name, long rows, long bytes) {
}
