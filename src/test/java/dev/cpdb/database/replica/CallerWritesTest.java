package dev.cpdb.database.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/**
 * How long a caller's write is remembered (cpdb's design, see {@link CallerWrites}): until one maximum staleness
 * after the primary was sampled at or past it, and a later write is never forgotten for an earlier one.
 */
class CallerWritesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aWriteIsKeptUntilOneStalenessAfterThePrimaryWasSampledPastIt() {
        CallerWrites writes = new CallerWrites();
        writes.wrote("agent:a", WalPosition.parse("0/200"));

        writes.primaryReached(T0, WalPosition.parse("0/100"));
        writes.forgetReachedBefore(T0.plusSeconds(60));
        assertEquals(WalPosition.parse("0/200"), writes.required("agent:a"), "not reached yet: kept");

        writes.primaryReached(T0.plusSeconds(1), WalPosition.parse("0/200"));
        writes.forgetReachedBefore(T0.plusSeconds(1));
        assertEquals(WalPosition.parse("0/200"), writes.required("agent:a"));
        writes.forgetReachedBefore(T0.plusSeconds(1).plusMillis(1));
        assertNull(writes.required("agent:a"));
        assertEquals(0, writes.size());
    }

    @Test
    void theLaterOfTwoWritesCounts() {
        CallerWrites writes = new CallerWrites();
        writes.wrote("operator", WalPosition.parse("0/300"));
        writes.wrote("operator", WalPosition.parse("0/200"));
        assertEquals(WalPosition.parse("0/300"), writes.required("operator"));
        assertNull(writes.required("agent:b"));
    }

    @Test
    void aWriteAtAnUnknownPositionSendsTheCallerToThePrimaryForOneStaleness() {
        CallerWrites writes = new CallerWrites();
        writes.wroteAtUnknownPosition("agent:a", T0);
        writes.primaryReached(T0.plusSeconds(1), WalPosition.parse("FFFFFFFF/0"));
        writes.forgetReachedBefore(T0.minus(Duration.ofMillis(1)));
        assertEquals(WalPosition.UNKNOWN, writes.required("agent:a"));
        writes.forgetReachedBefore(T0.plusMillis(1));
        assertNull(writes.required("agent:a"));
    }

    @Test
    void aReplicasReplayPositionTurnsIntoTheTimeItHasCaughtUpTo() {
        PrimaryTimeline timeline = new PrimaryTimeline(Duration.ofMinutes(2));
        assertNull(timeline.caughtUpTo(WalPosition.parse("0/100")), "no sample yet");
        timeline.add(T0, WalPosition.parse("0/100"));
        timeline.add(T0.plusSeconds(1), WalPosition.parse("0/200"));
        timeline.add(T0.plusSeconds(2), WalPosition.parse("0/200"));
        timeline.add(T0.plusSeconds(3), WalPosition.parse("0/300"));

        assertEquals(T0.plusSeconds(2), timeline.caughtUpTo(WalPosition.parse("0/250")));
        assertEquals(T0.plusSeconds(3), timeline.caughtUpTo(WalPosition.parse("0/300")));
        assertNull(timeline.caughtUpTo(WalPosition.parse("0/50")), "behind every kept sample");

        timeline.add(T0.plusSeconds(200), WalPosition.parse("0/400"));
        assertNull(timeline.caughtUpTo(WalPosition.parse("0/300")), "older samples are dropped");
    }
}
