package dev.cpdb.backup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The part-size plan for uploads of unknown length. The limits are S3's (parts of 5 MiB to 5 GiB, at most 10,000 of
 * them); the growth schedule is our own design.
 */
class PartSizesTest {

    private static final long MIB = 1024 * 1024;
    private static final long GIB = 1024 * MIB;
    private static final long TIB = 1024 * GIB;

    @Test
    void partsDoubleEveryThousandUpToOneGibibyte() {
        PartSizes sizes = PartSizes.forS3(8 * MIB);

        assertEquals(8 * MIB, sizes.size(1));
        assertEquals(8 * MIB, sizes.size(1_000));
        assertEquals(16 * MIB, sizes.size(1_001));
        assertEquals(32 * MIB, sizes.size(2_001));
        assertEquals(1 * GIB, sizes.size(8_000));
        assertEquals(1 * GIB, sizes.size(10_000));
        assertThrows(IllegalArgumentException.class, () -> sizes.size(10_001));
    }

    @Test
    void streamsOfAnySizeUpToTheCapacityStayWithinTenThousandParts() {
        for (long first : List.of(5 * MIB, 8 * MIB, 64 * MIB)) {
            PartSizes sizes = PartSizes.forS3(first);
            assertTrue(sizes.capacity() >= 3 * TIB, "capacity with " + first + ": " + sizes.capacity());
            for (long length : List.of(1L, 5 * MIB, 10 * GIB, 500 * GIB, 2 * TIB, sizes.capacity())) {
                // Simulates the upload: parts are filled in order, each to its planned size, the last one partly.
                int parts = 0;
                long left = length;
                long previous = 0;
                while (left > 0) {
                    parts++;
                    long size = sizes.size(parts);
                    assertTrue(size >= previous && size >= PartSizes.MIN_PART && size <= 5 * GIB, "part " + parts);
                    previous = size;
                    left -= size;
                }
                assertTrue(parts <= PartSizes.MAX_PARTS, length + " bytes took " + parts + " parts");
            }
        }
    }

    @Test
    void withoutGrowthATerabyteWouldNotFit() {
        // Why sizes grow: fixed 8 MiB parts reach S3's part limit at 78 GiB.
        PartSizes fixed = new PartSizes(8 * MIB, Integer.MAX_VALUE, PartSizes.MAX_PARTS, 8 * MIB);
        assertEquals(10_000 * 8 * MIB, fixed.capacity());
        assertTrue(PartSizes.forS3(8 * MIB).capacity() > TIB);
    }

    @Test
    void aScaledDownPlanAddsUp() {
        PartSizes sizes = new PartSizes(5 * MIB, 2, 4, 10 * MIB);
        assertEquals(List.of(5 * MIB, 5 * MIB, 10 * MIB, 10 * MIB),
                List.of(sizes.size(1), sizes.size(2), sizes.size(3), sizes.size(4)));
        assertEquals(30 * MIB, sizes.capacity());
    }
}
