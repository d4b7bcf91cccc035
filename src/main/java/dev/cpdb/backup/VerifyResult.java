package dev.cpdb.backup;

import java.util.List;

/**
 * Outcome of a restore drill: whether the backup restored into a scratch database and every table held the row
 * count its manifest recorded.
 *
 * @param mismatches tables whose restored count differs, as {@code schema.table: expected N, restored M}
 */
public record VerifyResult(String backupId, boolean passed, int tables, long rows, List<String> mismatches,
        String error) {

    public VerifyResult {
        mismatches = List.copyOf(mismatches);
    }
}
