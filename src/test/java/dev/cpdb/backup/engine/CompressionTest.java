package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Every compression and level round-trips the script; levels outside the accepted range are refused by name. */
class CompressionTest {

    private static final byte[] SCRIPT = script();

    @Test
    void everyAcceptedLevelRoundTrips() throws IOException {
        for (Compression compression : Compression.values()) {
            for (int level = compression.minLevel(); level <= compression.maxLevel(); level++) {
                assertArrayEquals(SCRIPT, decompress(compression, compress(compression, level)),
                        compression + " level " + level);
            }
        }
    }

    @Test
    void higherLevelsCompressSmallerThanTheFastest() throws IOException {
        for (Compression compression : new Compression[] { Compression.ZSTD, Compression.GZIP }) {
            int fastest = compress(compression, compression.minLevel()).length;
            int smallest = compress(compression, compression.maxLevel()).length;
            assertTrue(smallest < fastest, compression + ": " + smallest + " bytes at the highest level, " + fastest
                    + " at the lowest");
            assertTrue(fastest < SCRIPT.length / 3, compression + " barely compressed the script: " + fastest);
        }
    }

    @Test
    void theDefaultsAreZstdThreeAndGzipSix() throws IOException {
        assertEquals(3, Compression.ZSTD.defaultLevel());
        assertEquals(6, Compression.GZIP.defaultLevel());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressed = Compression.GZIP.compress(out)) {
            compressed.write(SCRIPT);
        }
        assertArrayEquals(compress(Compression.GZIP, 6), out.toByteArray());
    }

    @Test
    void levelsOutsideTheRangeAreRefusedWithTheRange() {
        IllegalArgumentException zstd = assertThrows(IllegalArgumentException.class,
                () -> Compression.ZSTD.checkLevel(20));
        assertEquals("compression level 20 is out of range for zstd; use 1 (fastest) to 19 (smallest)",
                zstd.getMessage());
        IllegalArgumentException gzip = assertThrows(IllegalArgumentException.class,
                () -> Compression.GZIP.compress(OutputStream.nullOutputStream(), 0));
        assertEquals("compression level 0 is out of range for gzip; use 1 (fastest) to 9 (smallest)",
                gzip.getMessage());
        assertEquals(7, Compression.NONE.checkLevel(7), "without compression a level has nothing to change");
    }

    private static byte[] compress(Compression compression, int level) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressed = compression.compress(out, level)) {
            compressed.write(SCRIPT);
        }
        return out.toByteArray();
    }

    private static byte[] decompress(Compression compression, byte[] data) throws IOException {
        try (InputStream in = compression.decompress(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }

    /** A script-like text with repetition at several distances, so levels make a difference. */
    private static byte[] script() {
        StringBuilder text = new StringBuilder("COPY \"public\".\"notes\" (\"id\", \"body\") FROM stdin;\n");
        long state = 42;
        for (int row = 0; row < 20_000; row++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            text.append(row).append('\t').append("note ").append(Long.toHexString(state >>> 54)).append(' ')
                    .append(row % 97 == 0 ? "\\N" : "status " + (row % 13)).append('\n');
        }
        text.append("\\.\n");
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
