package dev.cpdb.backup.engine;

import java.util.List;

/**
 * What a finished dump wrote: per-table counts taken inside the snapshot, the schemas covered, and the source
 * server.
 *
 * @param scriptBytes size of the uncompressed script
 */
public record DumpResult(String serverVersion, int serverVersionNumber, String database, List<String> schemas,
        List<TableStats> tables, long scriptBytes) {

    public DumpResult {
        schemas = List.copyOf(schemas);
        tables = List.copyOf(tables);
    }
}
