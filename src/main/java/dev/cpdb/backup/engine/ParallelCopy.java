package dev.cpdb.backup.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Runs the {@code COPY ... TO STDOUT} of every chunk on several connections that share one snapshot, and hands the
 * rows to the script writer strictly in chunk order.
 *
 * <p>
 * Each connection takes the next chunk in order and streams it into that chunk's bounded buffer; when the buffer is
 * full the connection waits until its chunk is the one being written, then streams straight through. Chunks may
 * start at most {@code window} ahead of the one being written, so memory stays below {@code window × capacity}
 * whatever the table sizes. The first failure (a COPY error, a full script, cancellation) stops every connection:
 * waiting copies are aborted on the client, running ones cancelled on the server.
 *
 * <p>
 * Blocking by design (JDBC): {@link #writeAll} runs on the caller's thread, one worker thread per connection.
 */
final class ParallelCopy {

    /** Size of the pieces handed from a connection to the writer. */
    private static final int BLOCK = 1 << 16;

    /** One chunk's rows, copied but not yet written. */
    private static final class Pending {
        final ArrayDeque<byte[]> blocks = new ArrayDeque<>();
        long buffered;
        boolean done;
        long rows;
    }

    /** Does the per-chunk work the engine owns: deadline, phase names, error mapping. */
    interface Copier {

        /** Prepares {@code connection} for copying {@code chunk} (statement timeout from the deadline). */
        void beforeChunk(Connection connection, TableChunk chunk) throws SQLException;

        /**
         * Why copying {@code chunk} must stop now although nothing failed (the backup was cancelled, or its deadline
         * passed), or null to go on.
         */
        RuntimeException interruption(TableChunk chunk);

        /** The failure to report when copying {@code chunk} threw {@code error}. */
        RuntimeException failure(TableChunk chunk, Exception error);
    }

    private final List<TableChunk> chunks;
    private final List<Connection> connections;
    private final long capacity;
    private final int window;
    private final Copier copier;
    private final Pending[] pending;
    /** Written blocks kept for reuse, so that a long copy does not churn through the heap. */
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private int nextToTake;
    private int nextToWrite;
    private RuntimeException failure;

    /**
     * @param connections one per worker, each inside a transaction on the shared snapshot; not closed here
     * @param capacity bytes one chunk may buffer before its connection waits
     */
    ParallelCopy(List<TableChunk> chunks, List<Connection> connections, long capacity, Copier copier) {
        this.chunks = List.copyOf(chunks);
        this.connections = List.copyOf(connections);
        this.capacity = Math.max(BLOCK, capacity);
        this.window = window(connections.size());
        this.copier = copier;
        this.pending = new Pending[chunks.size()];
    }

    /** Chunks that may be copied or buffered at once: the one being written and one ahead per connection. */
    static int window(int connections) {
        return connections + 1;
    }

    /** Receives each chunk's bytes in order. */
    interface ChunkWriter {

        /** Called before a chunk's rows. */
        void start(TableChunk chunk) throws IOException;

        /** Called after its rows, with the row count of the chunk's COPY completion tag. */
        void end(TableChunk chunk, long rows) throws IOException;
    }

    /**
     * Copies every chunk, writing the rows to {@code out} in chunk order, framed by {@code writer}. Returns when all
     * are written and every worker has stopped.
     *
     * @throws IOException when {@code out} or {@code writer} fails
     * @throws RuntimeException the first failure of a connection, as mapped by the {@link Copier}
     */
    void writeAll(OutputStream out, ChunkWriter writer) throws IOException {
        ExecutorService workers = Executors.newFixedThreadPool(connections.size(), daemonThreads());
        for (Connection connection : connections) {
            workers.execute(() -> work(connection));
        }
        try {
            for (int index = 0; index < chunks.size(); index++) {
                TableChunk chunk = chunks.get(index);
                writer.start(chunk);
                long rows = drain(index, out);
                writer.end(chunk, rows);
            }
        } catch (IOException e) {
            fail(new IllegalStateException("the script could not be written", e));
            throw e;
        } catch (RuntimeException e) {
            fail(e);
            throw e;
        } finally {
            stop(workers);
        }
    }

    private long drain(int index, OutputStream out) throws IOException {
        byte[] block = null;
        while (true) {
            synchronized (this) {
                if (block != null && block.length == BLOCK && spare.size() < window * 2) {
                    spare.push(block);
                }
                Pending chunk;
                while (!stopped(chunks.get(index))
                        && ((chunk = pending[index]) == null || (chunk.blocks.isEmpty() && !chunk.done))) {
                    waitQuietly();
                }
                if (failure != null) {
                    throw failure;
                }
                chunk = pending[index];
                block = chunk.blocks.poll();
                if (block == null) {
                    pending[index] = null;
                    nextToWrite = index + 1;
                    notifyAll();
                    return chunk.rows;
                }
                chunk.buffered -= block.length;
                notifyAll();
            }
            out.write(block);
        }
    }

    private void work(Connection connection) {
        TableChunk chunk = null;
        try {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            while (true) {
                int index;
                synchronized (this) {
                    while (failure == null && nextToTake < chunks.size() && nextToTake >= nextToWrite + window) {
                        waitQuietly();
                    }
                    if (failure != null || nextToTake >= chunks.size()) {
                        return;
                    }
                    index = nextToTake++;
                    pending[index] = new Pending();
                }
                chunk = chunks.get(index);
                copier.beforeChunk(connection, chunk);
                long rows;
                try (BlockSink sink = new BlockSink(index)) {
                    rows = copy.copyOut(chunk.copyOutSql(), sink);
                }
                synchronized (this) {
                    pending[index].done = true;
                    pending[index].rows = rows;
                    notifyAll();
                }
            }
        } catch (Exception e) {
            synchronized (this) {
                if (failure != null) {
                    // Stopped because of an earlier failure; that one is the reason.
                    return;
                }
            }
            fail(copier.failure(chunk, e));
        } catch (Error e) {
            // The writer must not wait for a chunk that no thread copies any more.
            fail(new IllegalStateException("a copy connection stopped: " + e, e));
            throw e;
        }
    }

    /** Cuts a chunk's stream into blocks and queues them, waiting while the chunk's buffer is full. */
    private final class BlockSink extends OutputStream {
        private final int index;
        private byte[] block;
        private int length;

        BlockSink(int index) {
            this.index = index;
            this.block = spareBlock();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int count) throws IOException {
            while (count > 0) {
                int n = Math.min(count, BLOCK - length);
                System.arraycopy(buffer, offset, block, length, n);
                length += n;
                offset += n;
                count -= n;
                if (length == BLOCK) {
                    put(block);
                    block = spareBlock();
                    length = 0;
                }
            }
        }

        private byte[] spareBlock() {
            synchronized (ParallelCopy.this) {
                byte[] reused = spare.poll();
                return reused == null ? new byte[BLOCK] : reused;
            }
        }

        /** Queues what is left; called when the COPY ended, whether it succeeded or not. */
        @Override
        public void close() throws IOException {
            if (length > 0) {
                put(java.util.Arrays.copyOf(block, length));
                length = 0;
            }
        }

        private void put(byte[] full) throws IOException {
            synchronized (ParallelCopy.this) {
                Pending chunk = pending[index];
                while (!stopped(chunks.get(index)) && chunk.buffered + full.length > capacity) {
                    waitQuietly();
                }
                if (failure != null) {
                    throw new IOException("the backup stopped");
                }
                chunk.blocks.add(full);
                chunk.buffered += full.length;
                ParallelCopy.this.notifyAll();
            }
        }
    }

    /** Whether everything must stop; records an interruption from outside as the failure. Hold the lock. */
    private boolean stopped(TableChunk chunk) {
        if (failure == null) {
            RuntimeException interruption = copier.interruption(chunk);
            if (interruption != null) {
                failure = interruption;
                notifyAll();
            }
        }
        return failure != null;
    }

    private void fail(RuntimeException e) {
        synchronized (this) {
            if (failure == null) {
                failure = e;
            }
            notifyAll();
        }
    }

    /** Stops the workers: copies still running on the server are cancelled, then the threads are awaited. */
    private void stop(ExecutorService workers) {
        workers.shutdown();
        boolean failed;
        synchronized (this) {
            failed = failure != null;
        }
        if (failed) {
            for (Connection connection : connections) {
                try {
                    connection.unwrap(PGConnection.class).cancelQuery();
                } catch (SQLException ignored) {
                    // The connection is closed by its owner; the original failure matters.
                }
            }
        }
        try {
            while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                synchronized (this) {
                    notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }

    /** Waits for a change, waking up regularly so that a cancellation from outside is noticed. */
    private void waitQuietly() {
        try {
            wait(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (failure == null) {
                failure = new IllegalStateException("interrupted");
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "cpdb-backup-copy-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

}
