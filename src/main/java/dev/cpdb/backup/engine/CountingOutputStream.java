package dev.cpdb.backup.engine;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Counts bytes and newline characters passing through; COPY's text format writes exactly one line per row, so the
 * newline count of a table's data is its row count.
 */
public final class CountingOutputStream extends FilterOutputStream {

    private long bytes;
    private long newlines;

    public CountingOutputStream(OutputStream target) {
        super(target);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        bytes++;
        if (b == '\n') {
            newlines++;
        }
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
        bytes += length;
        for (int i = offset; i < offset + length; i++) {
            if (buffer[i] == '\n') {
                newlines++;
            }
        }
    }

    public long bytes() {
        return bytes;
    }

    public long newlines() {
        return newlines;
    }
}
