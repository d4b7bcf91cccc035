package dev.cpdb.backup.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
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
    public List<StoredObject> list(String prefix) throws IOException {
        String keyPrefix = location.keyPrefix();
        List<StoredObject> objects = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(location.bucket())
                    .prefix(keyPrefix + prefix)).contents()) {
                String key = object.key().substring(keyPrefix.length());
                if (BackupStore.isValidKey(key)) {
                    objects.add(new StoredObject(key, object.size(), object.lastModified()));
                }
            }
        } catch (SdkException e) {
            throw failure("listing", prefix.isEmpty() ? "" : prefix + "*", e);
        }
        objects.sort(Comparator.comparing(StoredObject::key));
        return objects;
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

    /**
     * {@inheritDoc} Here: the multipart uploads below the store's prefix, following ListMultipartUploads pages; their
     * activity is their start, the only time S3 reports.
     */
    @Override
    public List<PendingUpload> pendingUploads(String prefix) throws IOException {
        String keyPrefix = location.keyPrefix();
        String listed = keyPrefix + prefix;
        List<PendingUpload> uploads = new ArrayList<>();
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(request -> request
                    .bucket(location.bucket()).prefix(listed.isEmpty() ? null : listed)).uploads()) {
                // Some S3-compatible stores ignore the prefix parameter: filter again.
                String key = upload.key().startsWith(listed) ? upload.key().substring(keyPrefix.length()) : "";
                if (BackupStore.isValidKey(key)) {
                    uploads.add(new PendingUpload(key, upload.uploadId(), Optional.ofNullable(upload.initiated())));
                }
            }
        } catch (SdkException e) {
            throw failure("listing multipart uploads", prefix.isEmpty() ? "" : prefix + "*", e);
        }
        uploads.sort(Comparator.comparing(PendingUpload::key));
        return uploads;
    }

    /** {@inheritDoc} Here: aborts the multipart upload, which drops its parts. */
    @Override
    public void discard(PendingUpload upload) throws IOException {
        String objectKey = objectKey(upload.key());
        try {
            s3.abortMultipartUpload(request -> request.bucket(location.bucket()).key(objectKey)
                    .uploadId(upload.uploadId()));
        } catch (NoSuchUploadException e) {
            // completed or aborted already
        } catch (SdkException e) {
            throw failure("aborting the multipart upload " + upload.uploadId() + " of", upload.key(), e);
        }
    }

    private String objectKey(String key) {
        return location.objectKey(BackupStore.requireValidKey(key));
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
