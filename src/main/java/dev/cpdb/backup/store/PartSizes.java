package dev.cpdb.backup.store;

/**
 * Sizes of the parts of a multipart upload whose total length is unknown when it starts: the first size for the
 * first {@code growEvery} parts, then twice that for the next {@code growEvery}, and so on up to a largest part size.
 * Small objects thus need little memory, and the part-count limit still allows very large ones.
 *
 * <p>
 * With S3's limit of 10,000 parts, 8 MiB first parts doubling every 1,000 parts up to 1 GiB allow about 4 TiB.
 */
public record PartSizes(long first, int growEvery, int maxParts, long largest) {

    /** S3's smallest part (except the last). */
    public static final long MIN_PART = 5L * 1024 * 1024;
    /** S3's limit on the number of parts in one upload. */
    public static final int MAX_PARTS = 10_000;
    /** Largest part buffer: a Java array holds under 2 GiB, and memory is (parts in flight + 1) times this. */
    public static final long MAX_PART = 1L << 30;
    /** Parts of one size before the size doubles. */
    public static final int GROW_EVERY = 1_000;

    public PartSizes {
        if (first <= 0 || first > largest || growEvery <= 0 || maxParts <= 0 || largest > MAX_PART) {
            throw new IllegalArgumentException("invalid part sizes: first " + first + ", grow every " + growEvery
                    + ", max parts " + maxParts + ", largest " + largest);
        }
    }

    /** S3's limits with the given first part size. */
    public static PartSizes forS3(long first) {
        return new PartSizes(first, GROW_EVERY, MAX_PARTS, MAX_PART);
    }

    /** Size of part {@code number} (1-based); parts past {@link #maxParts()} have none. */
    public long size(int number) {
        if (number < 1 || number > maxParts) {
            throw new IllegalArgumentException("part " + number + " is outside 1.." + maxParts);
        }
        int doublings = Math.min((number - 1) / growEvery, 62);
        long size = first;
        for (int i = 0; i < doublings && size < largest; i++) {
            size *= 2;
        }
        return Math.min(size, largest);
    }

    /** The largest object these parts can hold: the sum of every part's size. */
    public long capacity() {
        long total = 0;
        for (long start = 1; start <= maxParts; start += growEvery) {
            long count = Math.min(growEvery, maxParts - start + 1);
            total += count * size((int) start);
        }
        return total;
    }
}
