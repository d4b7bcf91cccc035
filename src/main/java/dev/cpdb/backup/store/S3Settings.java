package dev.cpdb.backup.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.cpdb.InvalidConfigurationException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Checked S3 settings, and the one way cpdb builds its S3 client from them: the synchronous client over the JDK's
 * HTTP connection, checksums only where S3 requires them (the SDK's default checksums are refused by several
 * S3-compatible stores), and retries with exponential backoff on throttling, 5xx answers and I/O errors.
 *
 * @param secretAccessKey never printed: {@link #toString()} leaves it out
 */
public record S3Settings(Optional<URI> endpoint, String region, boolean pathStyle, Optional<String> accessKeyId,
        Optional<String> secretAccessKey, long partSize, int partsInFlight, Optional<ServerSideEncryption> sse,
        Optional<String> sseKmsKeyId) {

    /** Settings without server-side encryption. */
    public S3Settings(Optional<URI> endpoint, String region, boolean pathStyle, Optional<String> accessKeyId,
            Optional<String> secretAccessKey, long partSize, int partsInFlight) {
        this(endpoint, region, pathStyle, accessKeyId, secretAccessKey, partSize, partsInFlight, Optional.empty(),
                Optional.empty());
    }

    /** Attempts per request, the first included; the backoff between them grows to 20 s (throttling: 30 s). */
    static final int MAX_ATTEMPTS = 8;
    static final int MAX_PARTS_IN_FLIGHT = 32;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest silence on a connection before the attempt fails (and is retried). */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Checks the configuration.
     *
     * @throws InvalidConfigurationException naming the variable and what it accepts
     */
    public static S3Settings from(S3Config config) {
        Optional<URI> endpoint = config.endpoint().filter(text -> !text.isBlank()).map(S3Settings::endpoint);
        String region = config.region().strip();
        if (!region.matches("[A-Za-z0-9_-]+")) {
            throw new InvalidConfigurationException("CPDB_BACKUP_S3_REGION (cpdb.backup.s3.region) must be a region "
                    + "name such as us-east-1, not '" + config.region() + "'");
        }
        Optional<String> keyId = config.accessKeyId().filter(text -> !text.isBlank());
        Optional<String> secret = config.secretAccessKey().filter(text -> !text.isBlank());
        if (keyId.isPresent() != secret.isPresent()) {
            throw new InvalidConfigurationException("CPDB_BACKUP_S3_ACCESS_KEY_ID and CPDB_BACKUP_S3_SECRET_ACCESS_KEY "
                    + "(cpdb.backup.s3.access-key-id, cpdb.backup.s3.secret-access-key) must be set together; "
                    + "leave both unset to use the AWS SDK's default credentials");
        }
        long partSize = config.partSize().asLongValue();
        if (partSize < PartSizes.MIN_PART || partSize > PartSizes.MAX_PART) {
            throw new InvalidConfigurationException("CPDB_BACKUP_S3_PART_SIZE (cpdb.backup.s3.part-size) must be "
                    + "between 5M (S3's smallest part) and 1G, not " + partSize + " bytes");
        }
        int inFlight = config.partsInFlight();
        if (inFlight < 1 || inFlight > MAX_PARTS_IN_FLIGHT) {
            throw new InvalidConfigurationException("CPDB_BACKUP_S3_PARTS_IN_FLIGHT (cpdb.backup.s3.parts-in-flight) "
                    + "must be between 1 and " + MAX_PARTS_IN_FLIGHT + ", not " + inFlight);
        }
        Optional<ServerSideEncryption> sse = switch (config.sse().strip()) {
            case "none", "" -> Optional.empty();
            case "AES256" -> Optional.of(ServerSideEncryption.AES256);
            case "aws:kms" -> Optional.of(ServerSideEncryption.AWS_KMS);
            default -> throw new InvalidConfigurationException("CPDB_BACKUP_S3_SSE (cpdb.backup.s3.sse) must be none, "
                    + "AES256 or aws:kms, not '" + config.sse() + "'");
        };
        Optional<String> kmsKeyId = config.sseKmsKeyId().map(String::strip).filter(text -> !text.isEmpty());
        if (kmsKeyId.isPresent() && sse.orElse(null) != ServerSideEncryption.AWS_KMS) {
            throw new InvalidConfigurationException("CPDB_BACKUP_S3_SSE_KMS_KEY_ID (cpdb.backup.s3.sse-kms-key-id) "
                    + "needs CPDB_BACKUP_S3_SSE=aws:kms");
        }
        return new S3Settings(endpoint, region, config.pathStyle(), keyId, secret, partSize, inFlight, sse,
                kmsKeyId);
    }

    private static URI endpoint(String text) {
        try {
            URI uri = new URI(text.strip());
            if (uri.getHost() == null || uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getUserInfo() != null) {
                throw new URISyntaxException(text, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException("CPDB_BACKUP_S3_ENDPOINT (cpdb.backup.s3.endpoint) must be an "
                    + "http:// or https:// URL such as http://minio:9000, without credentials; got '" + text + "'");
        }
    }

    /** A new client; the caller closes it. */
    public S3Client newClient() {
        return newClient(List.of());
    }

    /** A new client with extra interceptors (tests use them to inject faults). */
    S3Client newClient(List<ExecutionInterceptor> interceptors) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(region))
                .forcePathStyle(pathStyle)
                .credentialsProvider(credentials())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .overrideConfiguration(override -> {
                    override.retryStrategy(retryStrategy());
                    sse.ifPresent(encryption -> override.addExecutionInterceptor(
                            new ServerSideEncryptionInterceptor(encryption, sseKmsKeyId.orElse(null))));
                    interceptors.forEach(override::addExecutionInterceptor);
                });
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private AwsCredentialsProvider credentials() {
        if (accessKeyId.isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId.get(),
                    secretAccessKey.orElseThrow()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * The SDK's standard retry conditions (throttling, 5xx, I/O and timeouts) with more attempts than its default
     * and no circuit breaker: a backup is one long sequence of requests, and giving up early wastes all of it.
     */
    static RetryStrategy retryStrategy() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(MAX_ATTEMPTS)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(250), Duration.ofSeconds(20)))
                .throttlingBackoffStrategy(
                        BackoffStrategy.exponentialDelay(Duration.ofSeconds(1), Duration.ofSeconds(30)))
                .circuitBreakerEnabled(false)
                .build();
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint.map(URI::toString).orElse("AWS") + ", region=" + region
                + ", pathStyle=" + pathStyle + ", credentials="
                + accessKeyId.map(id -> "static " + id).orElse("default chain") + ", partSize=" + partSize
                + ", partsInFlight=" + partsInFlight + ", sse=" + sse.map(ServerSideEncryption::toString).orElse("none")
                + sseKmsKeyId.map(id -> " (key " + id + ")").orElse("") + "]";
    }
}
