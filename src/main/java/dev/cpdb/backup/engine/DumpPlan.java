package dev.cpdb.backup.engine;

import java.util.List;

/**
 * Everything a backup script holds, in restore order: definitions before the data ({@link #preData()}, with each
 * object's owner when the backup carries owners), the tables whose rows are copied, then what is cheaper or only
 * possible after the data ({@link #postData()}: sequence values, keys, indexes, foreign keys, triggers, policies,
 * privileges and default privileges when carried, materialized view refreshes).
 */
public record DumpPlan(List<String> schemas, List<String> preData, List<TableData> tables, List<String> postData,
        List<String> lockTargets) {

    public DumpPlan {
        schemas = List.copyOf(schemas);
        preData = List.copyOf(preData);
        tables = List.copyOf(tables);
        postData = List.copyOf(postData);
        lockTargets = List.copyOf(lockTargets);
    }
}
