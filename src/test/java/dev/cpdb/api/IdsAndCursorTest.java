package dev.cpdb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.cpdb.problem.InvalidInputException;

/** Time-ordered ids (RFC 9562 version 7) and the opaque cursor that carries them. */
class IdsAndCursorTest {

    @Test
    void idsAreVersion7AndStrictlyIncreasingWithinAProcess() {
        UUID previous = Ids.next();
        for (int i = 0; i < 20_000; i++) {
            UUID next = Ids.next();
            assertEquals(7, next.version());
            assertEquals(2, next.variant());
            assertTrue(next.compareTo(previous) > 0, previous + " then " + next);
            previous = next;
        }
    }

    @Test
    void anIdsTimestampIsItsCreationTime() {
        long before = System.currentTimeMillis();
        UUID id = Ids.next();
        long millis = id.getMostSignificantBits() >>> 16;
        assertTrue(millis >= before && millis <= System.currentTimeMillis() + 1000, "timestamp " + millis);
    }

    @Test
    void aCursorRoundTripsAndAForeignOneIsRefused() {
        UUID id = Ids.next();
        assertEquals(id, Cursor.decode(Cursor.encode(id)));
        assertThrows(InvalidInputException.class, () -> Cursor.decode("AAAA"));
        assertThrows(InvalidInputException.class, () -> Cursor.decode("not base64!"));
        assertThrows(InvalidInputException.class, () -> Cursor.decode(id.toString()));
    }

    @Test
    void pageLimitsOutsideTheRangeAreRefused() {
        assertEquals(PageRequest.DEFAULT_LIMIT, PageRequest.of(null, null).limit());
        assertEquals(PageRequest.MAX_LIMIT, PageRequest.of(null, "200").limit());
        assertThrows(InvalidInputException.class, () -> PageRequest.of(null, "201"));
        assertThrows(InvalidInputException.class, () -> PageRequest.of(null, "0"));
        assertThrows(InvalidInputException.class, () -> PageRequest.of(null, "99999999999"));
    }
}
