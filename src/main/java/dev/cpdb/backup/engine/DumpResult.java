package dev.cpdb.backup.engine;

import java.util.List;
import java.util.Map;

/**
 * What a finished dump wrote: per-table counts taken inside the snapshot, the schemas covered, and the source
 * server.
 *
 * @param scriptBytes size of the uncompressed script
 * @param coreMigrations applied core migration versions in the snapshot
 * @param pluginMigrations applied migrations per plugin in the snapshot
 * @param selection how the schemas were chosen and what was left out
 * @param largeObjects the large objects written
 */
public record DumpResult(String serverVersion, int serverVersionNumber, String database, List<String> schemas,
        List<TableStats> tables, long scriptBytes, List<String> coreMigrations,
        Map<String, List<String>> pluginMigrations, SchemaSelection.Outcome selection, LargeObjectStats largeObjects) {

    public DumpResult {
        schemas = List.copyOf(schemas);
        tables = List.copyOf(tables);
        coreMigrations = List.copyOf(coreMigrations);
        pluginMigrations = Map.copyOf(pluginMigrations);
    }
}
