package dev.cpdb.backup.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link BackupStore} in an S3 bucket (AWS S3 or any S3-compatible store), below a key prefix. New objects are
 * streamed as multipart uploads from memory, never spilled to local disk (see {@link S3MultipartUpload}); S3 makes
 * an object visible only when its upload completes, and replaces existing keys whole.
 *
 * <p>
 * Blocking: every method makes S3 requests on the calling thread. The store does not own its client.
 */
public final class S3BackupStore implements BackupStore {

    private static final Logger LOG = Logger.getLogger(S3BackupStore.class);

    private final S3Client s3;
    private final S3Location location;
    private final PartSizes partSizes;
    private final int partsInFlight;

    /**
     * @param partSize size of the first parts (and part buffers); see {@link PartSizes#forS3(long)}
     * @param partsInFlight parts uploaded concurrently while the next one fills
     */
    public S3BackupStore(S3Client s3, S3Location location, long partSize, int partsInFlight) {
        this(s3, location, PartSizes.forS3(partSize), partsInFlight);
    }

    S3BackupStore(S3Client s3, S3Location location, PartSizes partSizes, int partsInFlight) {
        if (partsInFlight < 1) {
            throw new IllegalArgumentException("parts in flight must be at least 1");
        }
        this.s3 = s3;
        this.location = location;
        this.partSizes = partSizes;
        this.partsInFlight = partsInFlight;
    }

    @Override
    public String location() {
        return location.toString();
    }

    /** The bucket and prefix. */
    public S3Location s3Location() {
        return location;
    }

    @Override
    public Upload create(String key) {
        return new S3MultipartUpload(s3, location, BackupStore.requireValidKey(key), partSizes, partsInFlight);
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        String objectKey = objectKey(key);
        try {
            s3.putObject(request -> request.bucket(location.bucket()).key(objectKey), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("writing", key, e);
        }
    }

    /** {@inheritDoc} A connection lost midway is resumed from the first byte not yet read (see S3ObjectStream). */
    @Override
    public Optional<InputStream> read(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return Optional.of(new S3ObjectStream(s3, location, key,
                    s3.getObject(request -> request.bucket(location.bucket()).key(objectKey))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("reading", key, e);
        }
    }

    /**
     * {@inheritDoc} The pin is the object's version id where the bucket keeps versions, and its ETag in any case:
     * every read asks for that version with {@code If-Match: ETag}, so an object replaced since is refused by S3
     * (412) instead of read.
     */
    @Override
    public Optional<Pinned> pin(String key) throws IOException {
        String objectKey = objectKey(key);
        HeadObjectResponse head;
        try {
            head = s3.headObject(request -> request.bucket(location.bucket()).key(objectKey));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("checking", key, e);
        } catch (SdkException e) {
            throw failure("checking", key, e);
        }
        String eTag = head.eTag();
        String versionId = head.versionId();
        if (eTag == null) {
            throw new IOException("reading " + location + "/" + key + " failed: the store gives the object no ETag, "
                    + "so a restore cannot make sure it reads the object it checked");
        }
        return Optional.of(new Pinned() {
            @Override
            public InputStream open() throws IOException {
                try {
                    return new S3ObjectStream(s3, location, key, s3.getObject(request -> request
                            .bucket(location.bucket()).key(objectKey).versionId(versionId).ifMatch(eTag)));
                } catch (AwsServiceException e) {
                    if (e.statusCode() == 412 || e.statusCode() == 404) {
                        throw new IOException(location + "/" + key + " was replaced or deleted after it was checked "
                                + "(" + describe(e) + ")", e);
                    }
                    throw failure("reading", key, e);
                } catch (SdkException e) {
                    throw failure("reading", key, e);
                }
            }

            @Override
            public void close() {
                // nothing held between reads
            }
        });
    }

    @Override
    public boolean exists(String key) throws IOException {
        return size(key).isPresent();
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return Optional.of(s3.headObject(request -> request.bucket(location.bucket()).key(objectKey))
                    .contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                // HEAD answers carry no error code; a missing bucket looks the same and surfaces on other calls.
                return Optional.empty();
            }
            throw failure("checking", key, e);
        } catch (SdkException e) {
            throw failure("checking", key, e);
        }
    }

    /** {@inheritDoc} Follows ListObjectsV2 continuation tokens, so more than 1,000 keys are all returned. */
    @Override
    public List<String> list(String prefix) throws IOException {
        String keyPrefix = location.keyPrefix();
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(location.bucket())
                    .prefix(keyPrefix + prefix)).contents()) {
                String key = object.key().substring(keyPrefix.length());
                if (isValidKey(key)) {
                    keys.add(key);
                }
            }
        } catch (SdkException e) {
            throw failure("listing", prefix.isEmpty() ? "" : prefix + "*", e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            s3.deleteObject(request -> request.bucket(location.bucket()).key(objectKey));
        } catch (NoSuchKeyException e) {
            // already gone
        } catch (SdkException e) {
            throw failure("deleting", key, e);
        }
    }

    /** A multipart upload below this store's prefix that was neither completed nor aborted. */
    public record PendingUpload(String key, String uploadId, Optional<Instant> initiated) {
    }

    /** Every multipart upload in progress (or abandoned) below the prefix, following ListMultipartUploads pages. */
    public List<PendingUpload> pendingUploads() throws IOException {
        return pendingUploads("");
    }

    /**
     * The multipart uploads in progress (or abandoned) whose key starts with {@code prefix} below the store's prefix,
     * e.g. {@code 20261125T101500Z-3f9a1c/} for those of one backup; follows ListMultipartUploads pages.
     */
    public List<PendingUpload> pendingUploads(String prefix) throws IOException {
        String keyPrefix = location.keyPrefix();
        String listed = keyPrefix + prefix;
        List<PendingUpload> uploads = new ArrayList<>();
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(request -> request
                    .bucket(location.bucket()).prefix(listed.isEmpty() ? null : listed)).uploads()) {
                // Some S3-compatible stores ignore the prefix parameter: filter again.
                if (upload.key().startsWith(listed)) {
                    uploads.add(new PendingUpload(upload.key().substring(keyPrefix.length()), upload.uploadId(),
                            Optional.ofNullable(upload.initiated())));
                }
            }
        } catch (SdkException e) {
            throw failure("listing multipart uploads", prefix.isEmpty() ? "" : prefix + "*", e);
        }
        return uploads;
    }

    /** Aborts one multipart upload found by {@link #pendingUploads}; its parts are dropped. */
    public void abort(PendingUpload upload) throws IOException {
        String objectKey = location.objectKey(upload.key());
        try {
            s3.abortMultipartUpload(request -> request.bucket(location.bucket()).key(objectKey)
                    .uploadId(upload.uploadId()));
        } catch (SdkException e) {
            throw failure("aborting the multipart upload " + upload.uploadId() + " of", upload.key(), e);
        }
    }

    /**
     * Aborts the multipart uploads below the prefix that were started more than {@code age} ago: uploads of crashed
     * processes, which S3 keeps (and bills) until they are aborted.
     *
     * @return the uploads aborted
     */
    public List<PendingUpload> abortUploadsOlderThan(Duration age) throws IOException {
        return abortUploadsStartedBefore(Instant.now().minus(age));
    }

    /**
     * Aborts the multipart uploads below the prefix that the store reports as started before {@code cutoff}.
     * Uploads without a start time are kept, since nothing proves they are abandoned.
     *
     * @return the uploads aborted
     */
    public List<PendingUpload> abortUploadsStartedBefore(Instant cutoff) throws IOException {
        List<PendingUpload> aborted = new ArrayList<>();
        for (PendingUpload upload : pendingUploads()) {
            if (upload.initiated().isEmpty() || !upload.initiated().get().isBefore(cutoff)) {
                continue;
            }
            abort(upload);
            aborted.add(upload);
        }
        if (!aborted.isEmpty()) {
            LOG.infof("aborted %d abandoned multipart upload(s) below %s", aborted.size(), location);
        }
        return aborted;
    }

    private String objectKey(String key) {
        return location.objectKey(BackupStore.requireValidKey(key));
    }

    private static boolean isValidKey(String key) {
        try {
            BackupStore.requireValidKey(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private IOException failure(String action, String key, SdkException e) {
        return new IOException(action + " " + location + "/" + key + " failed: " + describe(e), e);
    }

    /** A short reason for an S3 or client failure: the service's error code and status, or the client's message. */
    static String describe(Throwable e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails().errorMessage();
            return (code == null ? "" : code + " ") + "(HTTP " + service.statusCode() + ")"
                    + (message == null ? "" : ": " + message);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
