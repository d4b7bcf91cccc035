package dev.cpdb.testing;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * One S3-compatible server (S3Proxy over jclouds' in-memory blob store) for the whole test JVM, listening on
 * 127.0.0.1 with signature-checked credentials, stopped when the JVM exits. Tests get their own bucket with
 * {@link #createBucket(String)}.
 */
public final class S3ProxyServer {

    /** Credentials the server accepts; tests hand them to cpdb as its static S3 credentials. */
    public static final String ACCESS_KEY_ID = "cpdb-test-access";
    public static final String SECRET_ACCESS_KEY = "cpdb-test-secret";
    public static final String REGION = "us-east-1";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static S3Proxy proxy;
    private static URI endpoint;
    private static S3Client admin;

    private S3ProxyServer() {
    }

    /** The server's endpoint, such as {@code http://127.0.0.1:41234}; the server starts on first use. */
    public static synchronized URI endpoint() {
        if (proxy == null) {
            start();
        }
        return endpoint;
    }

    private static void start() {
        S3Proxy started = startOwn();
        proxy = started;
        endpoint = URI.create("http://127.0.0.1:" + started.getPort());
        admin = client().build();
        Runtime.getRuntime().addShutdownHook(new Thread(S3ProxyServer::stop, "s3proxy-stop"));
    }

    /**
     * A server of its own, with the same credentials, for a test that stops it (a store outage); the caller stops
     * it. Its endpoint is {@code http://127.0.0.1:} and its port.
     */
    public static S3Proxy startOwn() {
        // jclouds' in-memory store. S3Proxy's own "transient-nio2" store answered 400 to ListMultipartUploads and
        // AbortMultipartUpload once parts of a key with several slashes had been uploaded.
        BlobStore blobs = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class)
                .getBlobStore();
        S3Proxy started = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
                .build();
        try {
            started.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(started.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start: " + started.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy", e);
        }
        return started;
    }

    private static synchronized void stop() {
        try {
            admin.close();
            proxy.stop();
        } catch (Exception e) {
            // the JVM is exiting
        }
    }

    /**
     * A client builder for the server, set up like cpdb's own (path-style, checksums only when required), for
     * tests that inspect the server directly or add interceptors.
     */
    public static S3ClientBuilder client() {
        return client(endpoint());
    }

    /** The same for a server of its own ({@link #startOwn()}). */
    public static S3ClientBuilder client(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder());
    }

    /** A client for assertions, shared by all tests. */
    public static synchronized S3Client admin() {
        endpoint();
        return admin;
    }

    /** Creates a new, empty bucket whose name starts with {@code prefix} and returns its name. */
    public static String createBucket(String prefix) {
        String name = (prefix + "-" + COUNTER.incrementAndGet() + "-" + ProcessHandle.current().pid())
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        admin().createBucket(request -> request.bucket(name));
        return name;
    }
}
