package dev.cpdb.backup.store;

import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Settings of the S3 client used for {@code s3://bucket/prefix} backup targets ({@code CPDB_BACKUP_S3_*}). They apply
 * to every S3 target; the bucket and prefix come from the target itself.
 */
@ConfigMapping(prefix = "cpdb.backup.s3")
public interface S3Config {

    /** Endpoint of an S3-compatible store, e.g. {@code http://minio:9000}; absent means AWS S3 for the region. */
    Optional<String> endpoint();

    /** Region used for signing requests and, without an endpoint, for choosing the AWS endpoint. */
    @WithDefault("us-east-1")
    String region();

    /** Address buckets in the path ({@code endpoint/bucket/key}) instead of the host name; most non-AWS stores. */
    @WithName("path-style")
    @WithDefault("false")
    boolean pathStyle();

    /** Static access key id; without it the SDK's default credential chain is used (env, profile, IMDS, ...). */
    @WithName("access-key-id")
    Optional<String> accessKeyId();

    /** Static secret access key; required together with the access key id. */
    @WithName("secret-access-key")
    Optional<String> secretAccessKey();

    /**
     * Size of the first parts of a multipart upload, and of each in-memory part buffer (at least 5M, the smallest
     * part S3 accepts). Doubles every 1,000 parts so that uploads of unknown length stay within 10,000 parts.
     */
    @WithName("part-size")
    @WithDefault("8M")
    MemorySize partSize();

    /**
     * Server-side encryption S3 applies to the objects cpdb writes: {@code none} (whatever the bucket does by
     * default), {@code AES256} (SSE-S3) or {@code aws:kms} (SSE-KMS).
     */
    @WithDefault("none")
    String sse();

    /** KMS key id, alias or ARN for {@code aws:kms}; unset uses the account's default key for S3. */
    @WithName("sse-kms-key-id")
    Optional<String> sseKmsKeyId();

    /** Parts uploaded concurrently while the next one fills; memory is about (this + 1) x part size. */
    @WithName("parts-in-flight")
    @WithDefault("2")
    int partsInFlight();
}
