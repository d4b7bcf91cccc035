package dev.cpdb.database.replica;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WAL position each caller's latest write reached, so that the caller's reads go only to replicas that have
 * replayed it.
 *
 * <p>
 * An entry is needed only until every replica that serves other callers (one at most the maximum staleness behind)
 * is sure to hold the write: once the primary's WAL was sampled at or past the write at time {@code t}, a replica
 * that serves reads at a later moment {@code n} has replayed a sample taken after {@code n - maxStaleness}; when that
 * is after {@code t}, the replica holds the write. So an entry is dropped one maximum staleness after the sample that
 * reached it, normally within one poll interval of the write: memory is one small entry per caller that wrote in
 * that window.
 */
final class CallerWrites {

    /**
     * @param position where the write's commit is in the WAL (or {@link WalPosition#UNKNOWN})
     * @param reachedAt when a primary sample was first at or past it; null until then
     */
    private record Written(WalPosition position, Instant reachedAt) {
    }

    private final Map<String, Written> byCaller = new ConcurrentHashMap<>();

    /** Records that {@code caller}'s write committed at or before {@code position}. */
    void wrote(String caller, WalPosition position) {
        byCaller.merge(caller, new Written(position, null),
                (before, now) -> before.position().reached(now.position()) ? before : now);
    }

    /**
     * Records a write of {@code caller} whose position could not be read, committed before {@code committedBy}: the
     * caller reads from the primary for one maximum staleness.
     */
    void wroteAtUnknownPosition(String caller, Instant committedBy) {
        byCaller.put(caller, new Written(WalPosition.UNKNOWN, committedBy));
    }

    /** The position {@code caller}'s reads must see, or null when any serving replica will do. */
    WalPosition required(String caller) {
        Written written = byCaller.get(caller);
        return written == null ? null : written.position();
    }

    /** Notes that the primary's WAL was at {@code position} after {@code at}. */
    void primaryReached(Instant at, WalPosition position) {
        byCaller.replaceAll((caller, written) -> written.reachedAt() == null && position.reached(written.position())
                ? new Written(written.position(), at)
                : written);
    }

    /** Drops the entries the primary reached before {@code cutoff}. */
    void forgetReachedBefore(Instant cutoff) {
        byCaller.values().removeIf(written -> written.reachedAt() != null && written.reachedAt().isBefore(cutoff));
    }

    /** How many callers are remembered. */
    int size() {
        return byCaller.size();
    }
}
