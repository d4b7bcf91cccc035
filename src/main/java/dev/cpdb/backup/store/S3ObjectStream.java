package dev.cpdb.backup.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

import org.jboss.logging.Logger;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads an S3 object as one stream and survives a connection lost midway: it asks again for the rest (a range from
 * the first byte not yet read), on condition that the object is still the one it started reading (same ETag). The
 * S3 client retries each request itself; this covers what it cannot, a body cut off after the response began.
 */
final class S3ObjectStream extends InputStream {

    private static final Logger LOG = Logger.getLogger(S3ObjectStream.class);
    /** Times the rest of an object is asked for again before the read fails. */
    static final int MAX_RESUMES = 5;

    private final S3Client s3;
    private final S3Location location;
    private final String key;
    private final String eTag;
    private final long length;
    private InputStream current;
    private long position;
    private int resumes;

    S3ObjectStream(S3Client s3, S3Location location, String key, ResponseInputStream<GetObjectResponse> first) {
        this.s3 = s3;
        this.location = location;
        this.key = key;
        this.eTag = first.response().eTag();
        this.length = first.response().contentLength() == null ? -1 : first.response().contentLength();
        this.current = first;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        while (true) {
            try {
                int n = current.read(buffer, offset, count);
                if (n > 0) {
                    position += n;
                } else if (n < 0 && length >= 0 && position < length) {
                    throw new EOFException("the connection ended at byte " + position + " of " + length);
                }
                return n;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                resume(e);
            }
        }
    }

    private void resume(IOException cause) throws IOException {
        if (resumes >= MAX_RESUMES || eTag == null || length < 0) {
            throw cause;
        }
        resumes++;
        LOG.warnf("reading %s/%s broke at byte %d of %d (%s); asking for the rest (%d of %d)", location, key,
                position, length, cause.getMessage(), resumes, MAX_RESUMES);
        closeQuietly();
        try {
            Thread.sleep(200L << resumes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while resuming " + location + "/" + key);
        }
        String objectKey = location.objectKey(key);
        try {
            current = s3.getObject(request -> request.bucket(location.bucket()).key(objectKey)
                    .range("bytes=" + position + "-").ifMatch(eTag));
        } catch (SdkException e) {
            IOException failure = new IOException("reading " + location + "/" + key + " broke at byte " + position
                    + " and the rest could not be read: " + S3BackupStore.describe(e), e);
            failure.addSuppressed(cause);
            throw failure;
        }
    }

    private void closeQuietly() {
        try {
            if (current instanceof ResponseInputStream<?> response) {
                // Drop the broken connection rather than drain it.
                response.abort();
            }
            current.close();
        } catch (IOException | RuntimeException e) {
            // the connection is already broken
        }
    }

    @Override
    public void close() throws IOException {
        current.close();
    }

    /** Times the rest of the object was asked for. */
    int resumes() {
        return resumes;
    }
}
