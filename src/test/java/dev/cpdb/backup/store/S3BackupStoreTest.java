package dev.cpdb.backup.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cpdb.testing.S3ProxyServer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The contract on a bucket of a real S3-compatible server (S3Proxy, see {@link S3ProxyServer}) through the client
 * cpdb builds from its settings, plus what only S3 shows: multipart uploads, growing parts, abort cleanup, bounded
 * memory, retries and paginated listing.
 *
 * <p>
 * Stores live below a prefix, as they do in production ({@code s3://bucket/cpdb}): S3Proxy emulates multipart uploads
 * with hidden objects at the bucket's root, which a real S3 never lists.
 */
class S3BackupStoreTest extends BackupStoreContract {

    private static final int MIB = 1024 * 1024;
    private static final String PREFIX = "cpdb/backups";

    private final List<S3Client> clients = new ArrayList<>();
    private String bucket;

    @Override
    protected BackupStore newStore() {
        bucket = S3ProxyServer.createBucket("store");
        return new S3BackupStore(client(), new S3Location(bucket, PREFIX), PartSizes.forS3(5 * MIB), 2);
    }

    @AfterEach
    void closeClients() {
        clients.forEach(S3Client::close);
    }

    /**
     * S3Proxy does not implement server-side encryption and says so (501 NotImplemented), as a store without it would:
     * the requests carry the setting, and the refusal reaches the operator instead of an unencrypted object.
     */
    @Test
    void withServerSideEncryptionEveryWriteAsksS3ToEncrypt() throws IOException {
        List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                sent.add(context.request().getClass().getSimpleName() + " "
                        + context.httpRequest().firstMatchingHeader("x-amz-server-side-encryption").orElse("-"));
            }
        };
        S3Settings settings = new S3Settings(Optional.of(S3ProxyServer.endpoint()), S3ProxyServer.REGION, true,
                Optional.of(S3ProxyServer.ACCESS_KEY_ID), Optional.of(S3ProxyServer.SECRET_ACCESS_KEY), 5 * MIB, 2,
                Optional.of(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AES256), Optional.empty());
        S3Client client = settings.newClient(List.of(recorder));
        clients.add(client);
        S3BackupStore encrypted = new S3BackupStore(client, new S3Location(bucket, PREFIX), PartSizes.forS3(5 * MIB),
                2);

        IOException put = assertThrows(IOException.class,
                () -> encrypted.write("b1/manifest.json", new byte[] { '{', '}' }));
        IOException multipart = assertThrows(IOException.class, () -> {
            try (BackupStore.Upload upload = encrypted.create("b1/data.sql")) {
                upload.stream().write(new byte[6 * MIB]);
                upload.commit();
            }
        });

        assertTrue(sent.contains("PutObjectRequest AES256"), sent.toString());
        assertTrue(sent.contains("CreateMultipartUploadRequest AES256"), sent.toString());
        assertTrue(put.getMessage().contains("NotImplemented"), put.getMessage());
        assertTrue(multipart.getMessage().contains("NotImplemented"), multipart.getMessage());
        assertEquals(List.of(), store.list(""), "nothing unencrypted was stored");
    }

    /** A client built the way cpdb builds it, for S3Proxy. */
    private S3Client client(ExecutionInterceptor... interceptors) {
        S3Settings settings = new S3Settings(Optional.of(S3ProxyServer.endpoint()), S3ProxyServer.REGION, true,
                Optional.of(S3ProxyServer.ACCESS_KEY_ID), Optional.of(S3ProxyServer.SECRET_ACCESS_KEY), 5 * MIB, 2);
        S3Client client = settings.newClient(List.of(interceptors));
        clients.add(client);
        return client;
    }

    private S3BackupStore store(PartSizes parts, int partsInFlight, ExecutionInterceptor... interceptors) {
        return new S3BackupStore(client(interceptors), new S3Location(bucket, PREFIX), parts, partsInFlight);
    }

    @Test
    void aStreamOfManyPartsIsReadBackByteForByte() throws IOException {
        long length = 33L * MIB + 12_345;
        S3MultipartUpload upload = (S3MultipartUpload) store.create("b1/data.sql.zst");
        byte[] written = writeRandom(upload.stream(), length, 7);
        upload.commit();

        assertEquals(7, upload.partsSent(), "33 MiB in 5 MiB parts");
        assertEquals(Optional.of(length), store.size("b1/data.sql.zst"));
        assertArrayEquals(written, digestOf(store.read("b1/data.sql.zst").orElseThrow()));
        assertEquals(List.of(), pendingUploads(), "a completed upload leaves no parts behind");
    }

    @Test
    void anObjectIsInvisibleWhileItsPartsAreBeingUploaded() throws IOException {
        // The contract's own check writes a few bytes, which never leave memory; this one has parts on the server.
        S3MultipartUpload upload = (S3MultipartUpload) store.create("b1/data.sql.zst");
        writeRandom(upload.stream(), 12L * MIB, 23);
        assertEquals(2, upload.partsSent());

        assertFalse(store.exists("b1/data.sql.zst"));
        assertTrue(store.read("b1/data.sql.zst").isEmpty());
        assertEquals(List.of(), store.list(""));

        upload.commit();

        assertEquals(Optional.of(12L * MIB), store.size("b1/data.sql.zst"));
        assertEquals(List.of("b1/data.sql.zst"), StoredKeys.of(store, ""));
    }

    @Test
    void anObjectSmallerThanAPartIsOnePutWithoutMultipartUpload() throws IOException {
        S3MultipartUpload upload = (S3MultipartUpload) store.create("b1/manifest.json");
        upload.stream().write(new byte[] { 1, 2, 3 });
        upload.commit();

        assertNull(upload.uploadId());
        assertEquals(Optional.of(3L), store.size("b1/manifest.json"));
    }

    @Test
    void anEmptyObjectCanBeCommitted() throws IOException {
        try (BackupStore.Upload upload = store.create("b1/empty")) {
            upload.commit();
        }

        assertEquals(Optional.of(0L), store.size("b1/empty"));
    }

    @Test
    void partsGrowSoThatALongStreamStaysWithinThePartLimit() throws IOException {
        // S3's rules scaled down: at most 4 parts, the size doubling every 2 parts (5, 5, 10, 10 MiB). S3Proxy, like
        // S3, refuses parts under 5 MiB except the last, so the first size cannot shrink further.
        PartSizes parts = new PartSizes(5 * MIB, 2, 4, 10 * MIB);
        S3BackupStore growing = store(parts, 2);
        long length = 27L * MIB;

        S3MultipartUpload upload = (S3MultipartUpload) growing.create("b1/data");
        byte[] written = writeRandom(upload.stream(), length, 11);
        upload.commit();

        assertEquals(4, upload.partsSent(), "27 MiB fit in 4 growing parts; 5 MiB parts would need 6");
        assertEquals(10 * MIB, upload.largestBuffer());
        assertArrayEquals(written, digestOf(growing.read("b1/data").orElseThrow()));
    }

    @Test
    void aStreamBeyondThePartLimitFailsAndLeavesNothing() throws IOException {
        S3BackupStore small = store(new PartSizes(5 * MIB, 2, 4, 10 * MIB), 2);
        S3MultipartUpload upload = (S3MultipartUpload) small.create("b1/data");

        IOException e = assertThrows(IOException.class, () -> writeRandom(upload.stream(), 31L * MIB, 3));
        upload.close();

        assertTrue(e.getMessage().contains("larger than a multipart upload can hold"), e.getMessage());
        assertTrue(e.getMessage().contains("CPDB_BACKUP_S3_PART_SIZE"), e.getMessage());
        assertNothingLeft("b1/data");
    }

    @Test
    void anAbortAfterUploadedPartsLeavesNoObjectAndNoPendingUpload() throws IOException {
        S3MultipartUpload upload = (S3MultipartUpload) store.create("b1/data.sql.zst");
        writeRandom(upload.stream(), 12L * MIB, 5);
        assertNotNull(upload.uploadId());
        assertEquals(1, pendingUploads().size(), "parts were uploaded before the abort");

        upload.abort();

        assertNothingLeft("b1/data.sql.zst");
        assertThrows(IOException.class, () -> upload.stream().write(1), "an aborted upload takes no more bytes");
        assertThrows(IOException.class, upload::commit);
    }

    @Test
    void aPartTheServerRefusesFailsTheUploadAndAbortsIt() throws IOException {
        // 403 is not transient: the client gives up at once, and the upload must not stay half-done.
        FaultyParts faults = new FaultyParts(2, Integer.MAX_VALUE, 403);
        S3BackupStore failing = store(PartSizes.forS3(5 * MIB), 2, faults);
        S3MultipartUpload upload = (S3MultipartUpload) failing.create("b1/data");

        IOException e = assertThrows(IOException.class, () -> {
            writeRandom(upload.stream(), 18L * MIB, 9);
            upload.commit();
        });
        upload.close();

        assertTrue(e.getMessage().contains("part 2") && e.getMessage().contains("403"), e.getMessage());
        assertEquals(1, faults.attempts(2), "a 403 is not retried");
        assertNothingLeft("b1/data");
    }

    @Test
    void aTransientErrorOnAPartIsRetriedAndTheObjectIsIntact() throws IOException {
        // 503 is what S3 answers when it wants the client to slow down and try again.
        FaultyParts faults = new FaultyParts(2, 2, 503);
        S3BackupStore flaky = store(PartSizes.forS3(5 * MIB), 2, faults);
        long length = 16L * MIB;

        S3MultipartUpload upload = (S3MultipartUpload) flaky.create("b1/data");
        byte[] written = writeRandom(upload.stream(), length, 13);
        upload.commit();

        assertEquals(3, faults.attempts(2), "two 503 answers, then success");
        assertArrayEquals(written, digestOf(flaky.read("b1/data").orElseThrow()));
        assertEquals(List.of(), pendingUploads());
    }

    @Test
    void memoryIsBoundedByThePartsInFlightPlusTheOneFilling() throws IOException {
        // The first two part uploads wait for each other (up to 20 s), so the test sees them overlap instead of
        // hoping for it.
        CountDownLatch bothSending = new CountDownLatch(2);
        ExecutionInterceptor overlap = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (partNumber(context.request()) <= 2) {
                    bothSending.countDown();
                    await(bothSending);
                }
            }
        };
        S3BackupStore bounded = store(PartSizes.forS3(5 * MIB), 2, overlap);

        S3MultipartUpload upload = (S3MultipartUpload) bounded.create("b1/data");
        writeRandom(upload.stream(), 61L * MIB, 17);
        upload.commit();

        assertEquals(13, upload.partsSent());
        assertEquals(2, upload.peakPartsUploading(), "two parts upload at once, never more");
        assertTrue(upload.buffersAllocated() <= 3, "buffers are reused: " + upload.buffersAllocated());
        assertEquals(5 * MIB, upload.largestBuffer());
    }

    @Test
    void aReadCutOffMidwayResumesWhereItBroke() throws IOException {
        byte[] content = new byte[3 * MIB + 5];
        new Random(19).nextBytes(content);
        store.write("b1/data.sql.zst", content);
        // The first two answers to GetObject break after 1 MiB, the way a dropped connection would.
        AtomicInteger gets = new AtomicInteger();
        ExecutionInterceptor cutter = new ExecutionInterceptor() {
            @Override
            public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                    ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest && gets.incrementAndGet() <= 2) {
                    return context.responseBody().map(body -> new BrokenAfter(body, MIB));
                }
                return context.responseBody();
            }
        };
        S3BackupStore flaky = store(PartSizes.forS3(5 * MIB), 2, cutter);

        byte[] read;
        try (InputStream in = flaky.read("b1/data.sql.zst").orElseThrow()) {
            read = in.readAllBytes();
            assertEquals(2, ((S3ObjectStream) in).resumes());
        }

        assertArrayEquals(content, read);
        assertEquals(3, gets.get());
    }

    @Test
    void aReadIsNotResumedIntoADifferentObject() throws IOException {
        store.write("b1/data.sql", new byte[3 * MIB]);
        ExecutionInterceptor cutter = new ExecutionInterceptor() {
            @Override
            public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                    ExecutionAttributes attributes) {
                return context.responseBody().map(body -> new BrokenAfter(body, MIB));
            }
        };
        S3BackupStore flaky = store(PartSizes.forS3(5 * MIB), 2, cutter);

        try (InputStream in = flaky.read("b1/data.sql").orElseThrow()) {
            assertEquals(MIB, in.readNBytes(MIB).length);
            store.write("b1/data.sql", new byte[3 * MIB + 1]);

            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("the rest could not be read") && e.getMessage().contains("412"),
                    e.getMessage());
        }
    }

    @Test
    void listingPagesThroughMoreThanAThousandKeys() throws IOException {
        AtomicInteger listRequests = new AtomicInteger();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof ListObjectsV2Request) {
                    listRequests.incrementAndGet();
                }
            }
        };
        S3BackupStore counted = store(PartSizes.forS3(5 * MIB), 2, counter);
        for (int i = 0; i < 1_001; i++) {
            counted.write(String.format("b%04d/manifest.json", i), new byte[] { 1 });
        }

        List<String> keys = StoredKeys.of(counted, "");

        assertEquals(1_001, keys.size());
        assertEquals("b1000/manifest.json", keys.get(1_000));
        assertEquals(2, listRequests.get(), "S3 returns at most 1,000 keys per page");
    }

    @Test
    void onlyTheMultipartUploadsBelowTheStoresPrefixAreItsPendingUploads() throws IOException {
        S3Client admin = S3ProxyServer.admin();
        // As a crashed process would leave them: one upload below the store's prefix, one that belongs to
        // something else in the same bucket.
        String ours = admin.createMultipartUpload(r -> r.bucket(bucket).key(PREFIX + "/b1/data.sql.zst")).uploadId();
        admin.createMultipartUpload(r -> r.bucket(bucket).key("elsewhere/data"));

        List<PendingUpload> pending = store.pendingUploads("");

        assertEquals(List.of("b1/data.sql.zst " + ours), pending.stream()
                .map(upload -> upload.key() + " " + upload.uploadId()).toList());
        store.discard(pending.get(0));
        assertEquals(List.of(), store.pendingUploads(""));
        assertEquals(List.of("elsewhere/data"), admin.listMultipartUploads(r -> r.bucket(bucket))
                .uploads().stream().map(upload -> upload.key()).toList(),
                "uploads outside the prefix are not ours to discard");
    }

    @Test
    void theLocationNamesBucketAndPrefix() {
        assertEquals("s3://" + bucket + "/" + PREFIX, store.location());
    }

    @Test
    void aMissingBucketIsAnErrorNotAnEmptyStore() {
        S3BackupStore missing = new S3BackupStore(client(), new S3Location("no-such-bucket-here", ""),
                PartSizes.forS3(5 * MIB), 2);

        IOException e = assertThrows(IOException.class, () -> missing.list(""));
        assertTrue(e.getMessage().contains("NoSuchBucket"), e.getMessage());
        assertThrows(IOException.class, () -> missing.read("b1/manifest.json"));
    }

    // ---------------------------------------------------------------- helpers

    private void assertNothingLeft(String key) throws IOException {
        assertFalse(store.exists(key));
        assertEquals(List.of(), store.list(""));
        assertEquals(List.of(), pendingUploads(), "no multipart upload is left pending");
        List<String> everything = S3ProxyServer.admin().listObjectsV2(r -> r.bucket(bucket)).contents().stream()
                .map(S3Object::key).filter(name -> name.startsWith(PREFIX)).toList();
        assertEquals(List.of(), everything);
    }

    private List<String> pendingUploads() {
        return S3ProxyServer.admin().listMultipartUploads(r -> r.bucket(bucket)).uploads().stream()
                .map(upload -> upload.key() + " " + upload.uploadId()).toList();
    }

    /** Writes {@code length} pseudo-random bytes in uneven chunks and returns their SHA-256. */
    private static byte[] writeRandom(OutputStream out, long length, long seed) throws IOException {
        Random random = new Random(seed);
        MessageDigest digest = sha256();
        byte[] chunk = new byte[200_003];
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(left, 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            digest.update(chunk, 0, n);
            left -= n;
        }
        return digest.digest();
    }

    private static byte[] digestOf(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream stream = new DigestInputStream(in, digest)) {
            stream.transferTo(OutputStream.nullOutputStream());
        }
        return digest.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int partNumber(SdkRequest request) {
        return request instanceof UploadPartRequest part ? part.partNumber() : Integer.MAX_VALUE;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Passes {@code limit} bytes through, then fails like a reset connection. */
    private static final class BrokenAfter extends java.io.FilterInputStream {

        private long left;

        BrokenAfter(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                throw new java.net.SocketException("Connection reset");
            }
            int n = super.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    /**
     * Replaces the server's answer to the first {@code failures} attempts at one part with an error status, the way a
     * proxy or an overloaded store would answer; the part itself may have reached the server.
     */
    private static final class FaultyParts implements ExecutionInterceptor {

        private final int part;
        private final int failures;
        private final int status;
        private final Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();

        FaultyParts(int part, int failures, int status) {
            this.part = part;
            this.failures = failures;
            this.status = status;
        }

        int attempts(int number) {
            return attempts.getOrDefault(number, new AtomicInteger()).get();
        }

        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
                ExecutionAttributes attributes) {
            int number = partNumber(context.request());
            if (number == Integer.MAX_VALUE) {
                return context.httpResponse();
            }
            int attempt = attempts.computeIfAbsent(number, n -> new AtomicInteger()).incrementAndGet();
            if (number == part && attempt <= failures) {
                return context.httpResponse().toBuilder().statusCode(status).build();
            }
            return context.httpResponse();
        }
    }
}
