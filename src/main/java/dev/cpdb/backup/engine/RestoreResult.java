package dev.cpdb.backup.engine;

import java.util.Map;

/**
 * What a committed restore loaded: rows per table (as {@code schema.name}), the large objects created and the number
 * of statements run.
 */
public record RestoreResult(long statements, Map<String, Long> rowsByTable, LargeObjectStats largeObjects) {

    public RestoreResult {
        rowsByTable = Map.copyOf(rowsByTable);
    }
}
