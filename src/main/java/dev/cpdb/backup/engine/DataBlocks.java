package dev.cpdb.backup.engine;

import java.util.Arrays;

/**
 * The sizes of a script's {@code COPY} data blocks, in order, as its checking pass measured them. The restore then
 * passes each block on by its measured size instead of searching it for its end a second time, and stops where the
 * end is not there: the script changed between the passes (its checksum, compared before the commit, refuses such a
 * script too). Two numbers per block, so memory grows with the number of tables, not with their data.
 */
public final class DataBlocks {

    /** Blocks no checking pass measured: the restore finds each one's end itself. */
    static final DataBlocks UNMEASURED = new DataBlocks(null, 0);

    private final long[] sizes;
    private final int count;

    private DataBlocks(long[] sizes, int count) {
        this.sizes = sizes;
        this.count = count;
    }

    /** The size of block {@code index} (from 0); null when unmeasured or when the checking pass found fewer. */
    ScriptReader.DataBlock get(int index) {
        if (sizes == null || index >= count) {
            return null;
        }
        return new ScriptReader.DataBlock(sizes[2 * index], sizes[2 * index + 1]);
    }

    /** Whether a checking pass measured these blocks. */
    boolean measured() {
        return sizes != null;
    }

    /** Collects the blocks of a checking pass. */
    static final class Builder {
        private long[] sizes = new long[32];
        private int count;

        void add(ScriptReader.DataBlock block) {
            if (2 * count == sizes.length) {
                sizes = Arrays.copyOf(sizes, sizes.length * 2);
            }
            sizes[2 * count] = block.bytes();
            sizes[2 * count + 1] = block.lines();
            count++;
        }

        DataBlocks build() {
            return new DataBlocks(Arrays.copyOf(sizes, 2 * count), count);
        }
    }
}
