package dev.cpdb.backup.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * An object streamed to S3 without touching local disk. Written bytes fill an in-memory part buffer; each full part
 * is uploaded on a small pool while the next one fills, with at most {@code partsInFlight} parts uploading at once,
 * so memory stays within (parts in flight + 1) part buffers whatever the object's size. An object smaller than one
 * part is sent with a single PutObject on commit.
 *
 * <p>
 * The S3 client retries transient errors (throttling, 5xx, I/O) with backoff; a part's bytes stay in memory until its
 * upload succeeds, so every attempt sends the same bytes. Any failure that survives the retries, a failed commit, an
 * {@link #abort()} or a {@link #close()} without commit aborts the multipart upload: no object appears and no parts
 * are left behind (unless the abort request itself fails; then cleanup of abandoned uploads removes them).
 *
 * <p>
 * One thread writes and then commits or aborts. {@link #abort()} may also come from another thread.
 */
final class S3MultipartUpload implements BackupStore.Upload {

    private static final Logger LOG = Logger.getLogger(S3MultipartUpload.class);
    private static final long ABORT_WAIT_SECONDS = 120;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private enum State {
        OPEN,
        COMMITTED,
        ABORTED
    }

    private final S3Client s3;
    private final S3Location location;
    private final String key;
    private final String objectKey;
    private final PartSizes partSizes;
    private final int partsInFlight;
    private final OutputStream stream = new PartStream();

    // Writer-thread state.
    private byte[] buffer;
    private int filled;
    private int nextPart = 1;
    private final ArrayDeque<InFlightPart> inFlight = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spareBuffers = new ArrayDeque<>();
    private final List<CompletedPart> completed = new ArrayList<>();
    private int buffersAllocated;
    private long largestBuffer;

    // Shared with abort(), which may run on another thread.
    private volatile State state = State.OPEN;
    private volatile String uploadId;
    private volatile ExecutorService uploader;
    private volatile IOException failure;
    private final AtomicInteger uploading = new AtomicInteger();
    private final AtomicInteger peakUploading = new AtomicInteger();

    private record InFlightPart(int number, byte[] buffer, Future<CompletedPart> result) {
    }

    S3MultipartUpload(S3Client s3, S3Location location, String key, PartSizes partSizes, int partsInFlight) {
        this.s3 = s3;
        this.location = location;
        this.key = key;
        this.objectKey = location.objectKey(key);
        this.partSizes = partSizes;
        this.partsInFlight = partsInFlight;
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public synchronized void commit() throws IOException {
        if (state == State.COMMITTED) {
            return;
        }
        requireOpen();
        try {
            if (uploadId == null) {
                byte[] content = buffer == null ? new byte[0] : buffer;
                int length = filled;
                s3.putObject(request -> request.bucket(location.bucket()).key(objectKey).contentLength((long) length),
                        body(content, length));
            } else {
                if (filled > 0) {
                    sendPart();
                }
                while (!inFlight.isEmpty()) {
                    awaitOldest();
                }
                completed.sort(Comparator.comparing(CompletedPart::partNumber));
                s3.completeMultipartUpload(request -> request.bucket(location.bucket()).key(objectKey)
                        .uploadId(uploadId)
                        .multipartUpload(upload -> upload.parts(completed)));
            }
            state = State.COMMITTED;
            release();
        } catch (IOException | RuntimeException e) {
            throw fail("committing", e);
        }
    }

    @Override
    public void abort() {
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            state = State.ABORTED;
        }
        // The abort request must go out even when this thread was interrupted (e.g. a backup being cancelled).
        boolean interrupted = Thread.interrupted();
        try {
            stopUploads();
            String id = uploadId;
            if (id != null) {
                try {
                    s3.abortMultipartUpload(request -> request.bucket(location.bucket()).key(objectKey).uploadId(id));
                } catch (SdkException e) {
                    LOG.warnf("could not abort the multipart upload %s of %s/%s: %s; cleanup of abandoned uploads "
                            + "removes it later", id, location, key, S3BackupStore.describe(e));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops part uploads and waits for those already sending, so none lands after the abort. */
    private void stopUploads() {
        ExecutorService pool = uploader;
        if (pool == null) {
            return;
        }
        for (Runnable queued : pool.shutdownNow()) {
            if (queued instanceof Future<?> future) {
                future.cancel(false);
            }
        }
        try {
            if (!pool.awaitTermination(ABORT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warnf("part uploads of %s/%s still running after %d s; aborting the upload anyway", location, key,
                        ABORT_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(byte[] source, int offset, int length) throws IOException {
        requireOpen();
        while (length > 0) {
            if (buffer == null) {
                buffer = takeBuffer();
            }
            int n = Math.min(length, buffer.length - filled);
            System.arraycopy(source, offset, buffer, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == buffer.length) {
                sendPart();
            }
        }
    }

    private byte[] takeBuffer() throws IOException {
        if (nextPart > partSizes.maxParts()) {
            throw new IOException("the object is larger than a multipart upload can hold (" + partSizes.maxParts()
                    + " parts, " + partSizes.capacity() + " bytes); raise CPDB_BACKUP_S3_PART_SIZE");
        }
        int size = Math.toIntExact(partSizes.size(nextPart));
        while (!spareBuffers.isEmpty()) {
            byte[] spare = spareBuffers.pop();
            if (spare.length == size) {
                return spare;
            }
        }
        buffersAllocated++;
        largestBuffer = Math.max(largestBuffer, size);
        return new byte[size];
    }

    /** Hands the current buffer to the pool as the next part, first waiting for a free slot. */
    private void sendPart() throws IOException {
        if (uploadId == null) {
            start();
        }
        while (!inFlight.isEmpty() && inFlight.peekFirst().result().isDone()) {
            awaitOldest();
        }
        while (inFlight.size() >= partsInFlight) {
            awaitOldest();
        }
        int number = nextPart++;
        byte[] bytes = buffer;
        int length = filled;
        buffer = null;
        filled = 0;
        inFlight.addLast(new InFlightPart(number, bytes, uploader.submit(() -> uploadPart(number, bytes, length))));
    }

    private void start() throws IOException {
        String id = s3.createMultipartUpload(request -> request.bucket(location.bucket()).key(objectKey)).uploadId();
        uploadId = id;
        if (state != State.OPEN) {
            // Aborted from another thread while the upload was being created.
            s3.abortMultipartUpload(request -> request.bucket(location.bucket()).key(objectKey).uploadId(id));
            throw new IOException("the upload was aborted");
        }
        uploader = Executors.newFixedThreadPool(partsInFlight, task -> {
            Thread thread = new Thread(task, "cpdb-s3-upload-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    private CompletedPart uploadPart(int number, byte[] bytes, int length) {
        int now = uploading.incrementAndGet();
        peakUploading.accumulateAndGet(now, Math::max);
        try {
            String eTag = s3.uploadPart(UploadPartRequest.builder()
                    .bucket(location.bucket())
                    .key(objectKey)
                    .uploadId(uploadId)
                    .partNumber(number)
                    .contentLength((long) length)
                    .build(), body(bytes, length)).eTag();
            return CompletedPart.builder().partNumber(number).eTag(eTag).build();
        } finally {
            uploading.decrementAndGet();
        }
    }

    /** A request body that re-reads the same bytes on every attempt, without copying them. */
    private static RequestBody body(byte[] bytes, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                "application/octet-stream");
    }

    private void awaitOldest() throws IOException {
        InFlightPart part = inFlight.removeFirst();
        try {
            completed.add(part.result().get());
        } catch (ExecutionException e) {
            throw new IOException("uploading part " + part.number() + " failed: "
                    + S3BackupStore.describe(e.getCause()), e.getCause());
        } catch (CancellationException e) {
            throw new IOException("the upload was aborted", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for part " + part.number());
        }
        spareBuffers.push(part.buffer());
    }

    private void requireOpen() throws IOException {
        if (failure != null) {
            throw new IOException("the upload of " + location + "/" + key + " has failed: " + failure.getMessage(),
                    failure);
        }
        if (state != State.OPEN) {
            throw new IOException("the upload of " + location + "/" + key + " was "
                    + (state == State.COMMITTED ? "committed" : "aborted"));
        }
    }

    /** Records the first failure, aborts, and returns what to throw. */
    private IOException fail(String phase, Throwable cause) {
        IOException error = cause instanceof IOException io ? io
                : new IOException(phase + " " + location + "/" + key + " failed: " + S3BackupStore.describe(cause),
                        cause);
        if (failure == null) {
            failure = error;
        }
        abort();
        release();
        return error;
    }

    private void release() {
        buffer = null;
        spareBuffers.clear();
        ExecutorService pool = uploader;
        if (pool != null) {
            pool.shutdown();
        }
    }

    // ------------------------------------------------------------------ observations for tests

    /** Part buffers allocated so far; they are reused, so this bounds the memory the upload held. */
    int buffersAllocated() {
        return buffersAllocated;
    }

    /** Size of the largest part buffer allocated. */
    long largestBuffer() {
        return largestBuffer;
    }

    /** Most part uploads that were sending at the same moment. */
    int peakPartsUploading() {
        return peakUploading.get();
    }

    /** Parts handed to the uploader so far. */
    int partsSent() {
        return nextPart - 1;
    }

    /** The multipart upload's id, or null before the first part (or for a single PutObject). */
    String uploadId() {
        return uploadId;
    }

    /** The upload's byte sink; closing it does not commit. */
    private final class PartStream extends OutputStream {

        private final byte[] single = new byte[1];

        @Override
        public void write(int b) throws IOException {
            single[0] = (byte) b;
            write(single, 0, 1);
        }

        @Override
        public void write(byte[] source, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, source.length);
            try {
                S3MultipartUpload.this.write(source, offset, length);
            } catch (IOException | RuntimeException e) {
                throw fail("writing", e);
            }
        }

        @Override
        public void close() {
            // Committing is explicit; closing the stream only ends writing.
        }
    }
}
