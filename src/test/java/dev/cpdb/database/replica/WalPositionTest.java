package dev.cpdb.database.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** WAL positions read and written as PostgreSQL's {@code pg_lsn} text, compared as unsigned 64-bit numbers. */
class WalPositionTest {

    @Test
    void readsAndWritesPostgresqlsTextForm() {
        assertEquals(0x3000060L, WalPosition.parse("0/3000060").value());
        assertEquals("16/B374D848", WalPosition.parse("16/b374d848").text());
        assertEquals("FFFFFFFF/FFFFFFFF", WalPosition.parse("FFFFFFFF/FFFFFFFF").text());
    }

    @Test
    void comparesAsUnsignedNumbersLikePostgresql() {
        WalPosition high = WalPosition.parse("80000000/0");
        WalPosition low = WalPosition.parse("7FFFFFFF/FFFFFFFF");
        assertTrue(high.reached(low));
        assertTrue(WalPosition.UNKNOWN.reached(high));
        assertEquals(high, WalPosition.later(low, high));
        assertEquals(low, WalPosition.later(null, low));
    }

    @Test
    void refusesAnythingElse() {
        for (String text : List.of("", "0", "/0", "0/", "0/3000060 ", " 0/1", "123456789/0", "0/123456789", "g/0",
                "-1/0", "+1/0", "0x1/0", "1/2/3", "0/" + "0".repeat(1000))) {
            assertThrows(IllegalArgumentException.class, () -> WalPosition.parse(text), text);
        }
        assertThrows(IllegalArgumentException.class, () -> WalPosition.parse(null));
    }
}
