import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The backup benchmark's S3 client program, built on the same AWS SDK v2 client setup as cpdb (path-style, JDK HTTP
 * client, checksums only where required):
 * <ul>
 * <li>{@code put BUCKET KEY [PART_MIB]}: streams stdin into a multipart upload with parts of PART_MIB MiB (default
 * 8, cpdb's default), one part buffer in memory and nothing on disk, then completes it. This is the
 * {@code pg_dump | upload} side of the comparison.</li>
 * <li>{@code stat BUCKET PREFIX}: prints "key bytes parts etag" for each object below PREFIX; parts come from the
 * {@code -N} suffix S3 gives the ETag of a multipart object, or from HeadObject's parts count (1 for a plain
 * object).</li>
 * <li>{@code delete BUCKET PREFIX}: deletes the objects below PREFIX (the benchmark's server keeps them in memory).</li>
 * </ul>
 * Endpoint and key pair come from BENCH_S3_ENDPOINT, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Run it with the
 * service's jars: {@code java -cp 'target/quarkus-app/lib/main/*' bench/S3Upload.java put BUCKET KEY < file}.
 */
public class S3Upload {

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: S3Upload put BUCKET KEY [PART_MIB] | stat BUCKET PREFIX | delete BUCKET PREFIX");
            System.exit(2);
        }
        try (S3Client s3 = client()) {
            switch (args[0]) {
                case "put" -> put(s3, args[1], args[2], args.length > 3 ? Integer.parseInt(args[3]) : 8, System.in);
                case "stat" -> stat(s3, args[1], args[2]);
                case "delete" -> delete(s3, args[1], args[2]);
                default -> {
                    System.err.println("unknown mode " + args[0]);
                    System.exit(2);
                }
            }
        }
    }

    private static S3Client client() {
        return S3Client.builder()
                .endpointOverride(URI.create(System.getenv("BENCH_S3_ENDPOINT")))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        System.getenv("AWS_ACCESS_KEY_ID"), System.getenv("AWS_SECRET_ACCESS_KEY"))))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    private static void put(S3Client s3, String bucket, String key, int partMib, InputStream in) throws IOException {
        byte[] buffer = new byte[partMib * 1024 * 1024];
        String uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        long total = 0;
        try {
            while (true) {
                int filled = in.readNBytes(buffer, 0, buffer.length);
                if (filled == 0 && !parts.isEmpty()) {
                    break;
                }
                int number = parts.size() + 1;
                String etag = s3.uploadPart(request -> request.bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(number), RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled))).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                total += filled;
                if (filled < buffer.length) {
                    break;
                }
            }
            s3.completeMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
        } catch (RuntimeException | IOException e) {
            s3.abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId));
            throw e;
        }
        System.err.printf("uploaded %d bytes to s3://%s/%s in %d parts%n", total, bucket, key, parts.size());
    }

    private static void stat(S3Client s3, String bucket, String prefix) {
        for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents()) {
            HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key(object.key()).partNumber(1));
            String etag = head.eTag() == null ? "" : head.eTag().replace("\"", "");
            int dash = etag.lastIndexOf('-');
            String parts = dash > 0 ? etag.substring(dash + 1)
                    : head.partsCount() != null ? head.partsCount().toString() : "1";
            System.out.printf("%s %d %s %s%n", object.key(), object.size(), parts, etag);
        }
    }

    private static void delete(S3Client s3, String bucket, String prefix) {
        for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents()) {
            s3.deleteObject(request -> request.bucket(bucket).key(object.key()));
        }
    }
}
