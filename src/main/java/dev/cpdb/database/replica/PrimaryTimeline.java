package dev.cpdb.database.replica;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The primary's WAL position as the monitor sampled it over the last minute or more: turns a replica's replay
 * position into time, since a replica that replayed a sample taken at {@code t} holds everything committed on the
 * primary before {@code t}.
 */
final class PrimaryTimeline {

    /** A sample: the position was read after {@code at}, so it covers every commit before {@code at}. */
    private record Sample(Instant at, WalPosition position) {
    }

    private final Duration kept;
    private final Deque<Sample> samples = new ArrayDeque<>();

    /** @param kept how long samples are kept; a replica further behind has no measured lag */
    PrimaryTimeline(Duration kept) {
        this.kept = kept;
    }

    /** Adds a sample read after {@code at}; samples arrive in time order (the monitor reads one at a time). */
    synchronized void add(Instant at, WalPosition position) {
        samples.addLast(new Sample(at, position));
        Instant oldest = at.minus(kept);
        while (samples.size() > 1 && samples.peekFirst().at().isBefore(oldest)) {
            samples.removeFirst();
        }
    }

    /**
     * The time of the newest sample {@code replayed} has reached: the replica holds every commit the primary made
     * before then. Null when it reached none of the kept samples (or none was taken yet).
     */
    synchronized Instant caughtUpTo(WalPosition replayed) {
        Iterator<Sample> newestFirst = samples.descendingIterator();
        while (newestFirst.hasNext()) {
            Sample sample = newestFirst.next();
            if (replayed.reached(sample.position())) {
                return sample.at();
            }
        }
        return null;
    }
}
