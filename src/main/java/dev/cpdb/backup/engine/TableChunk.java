package dev.cpdb.backup.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A part of one table's rows that one {@code COPY} reads: the whole table, or the rows in a range of heap blocks
 * (a TID range scan, PostgreSQL 14 and newer). The last range of a table is open-ended, so rows in blocks added
 * after the size was read are never missed.
 *
 * @param firstBlock first block of the range, or -1 for the whole table
 * @param endBlock block after the range, or -1 for an open end
 */
record TableChunk(TableData table, long firstBlock, long endBlock) {

    /** The whole table in one {@code COPY}. */
    static TableChunk whole(TableData table) {
        return new TableChunk(table, -1, -1);
    }

    /**
     * Splits a table of {@code blocks} heap blocks into ranges of {@code blocksPerChunk}; small tables, tables
     * without columns and filtered extension configuration tables stay whole.
     */
    static List<TableChunk> split(TableData table, long blocks, long blocksPerChunk) {
        if (table.columns().isEmpty() || table.filter() != null || blocks <= blocksPerChunk) {
            return List.of(whole(table));
        }
        List<TableChunk> chunks = new ArrayList<>();
        long first = 0;
        while (first + blocksPerChunk < blocks) {
            chunks.add(new TableChunk(table, first, first + blocksPerChunk));
            first += blocksPerChunk;
        }
        chunks.add(new TableChunk(table, first, -1));
        return chunks;
    }

    /** Whether this chunk starts its table's rows (the phase changes to this table here). */
    boolean first() {
        return firstBlock <= 0;
    }

    /**
     * The statement that streams this chunk's rows out. A block range reads {@code ONLY} the table, as a plain
     * {@code COPY table TO} does, and carries the same columns in the same order.
     */
    String copyOutSql() {
        if (firstBlock < 0) {
            return table.copyOutSql();
        }
        String columns = table.columns().stream().map(Sql::ident).collect(Collectors.joining(", "));
        String range = "ctid >= '(" + firstBlock + ",0)'::pg_catalog.tid"
                + (endBlock < 0 ? "" : " AND ctid < '(" + endBlock + ",0)'::pg_catalog.tid");
        return "COPY (SELECT " + columns + " FROM ONLY " + table.qualifiedName() + " WHERE " + range
                + ") TO STDOUT";
    }
}
