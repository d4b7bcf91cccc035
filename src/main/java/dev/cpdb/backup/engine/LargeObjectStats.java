package dev.cpdb.backup.engine;

/**
 * How many large objects a backup holds (or a restore created), and their contents' total size in bytes.
 */
public record LargeObjectStats(long count, long bytes) {

    /** No large objects. */
    public static final LargeObjectStats NONE = new LargeObjectStats(0, 0);
}
