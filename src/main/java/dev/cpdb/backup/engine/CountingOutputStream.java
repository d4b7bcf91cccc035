package dev.cpdb.backup.engine;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Counts the bytes passing through.
 */
public final class CountingOutputStream extends FilterOutputStream {

    private long bytes;

    public CountingOutputStream(OutputStream target) {
        super(target);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        bytes++;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
        bytes += length;
    }

    public long bytes() {
        return bytes;
    }
}
