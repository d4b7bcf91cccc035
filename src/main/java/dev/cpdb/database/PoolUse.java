package dev.cpdb.database;

/**
 * How much of the runtime pool is taken at one moment.
 *
 * @param size the most connections the pool opens
 * @param inUse connections running work now
 * @param waiting pieces of work queued for a connection because all {@code size} are in use
 */
public record PoolUse(int size, int inUse, int waiting) {

    /** The use when {@code inFlight} pieces of work hold or wait for a connection of a pool of {@code size}. */
    static PoolUse of(int size, int inFlight) {
        int current = Math.max(0, inFlight);
        return new PoolUse(size, Math.min(current, size), Math.max(0, current - size));
    }
}
