package dev.cpdb.backup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cpdb.InvalidConfigurationException;
import io.quarkus.runtime.configuration.MemorySize;

/** Checks of the S3 settings: each refusal names the variable an operator sets and what it accepts. */
class S3SettingsTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void defaultsAreValid() {
        S3Settings settings = S3Settings.from(new Values());

        assertEquals(Optional.empty(), settings.endpoint());
        assertEquals("us-east-1", settings.region());
        assertFalse(settings.pathStyle());
        assertEquals(8 * MIB, settings.partSize());
        assertEquals(2, settings.partsInFlight());
    }

    @Test
    void anEndpointMustBeAnHttpUrl() {
        assertEquals(Optional.of(URI.create("http://minio:9000")),
                S3Settings.from(new Values().endpoint("http://minio:9000")).endpoint());

        for (String bad : new String[] { "minio:9000", "ftp://minio", "http://user:pw@minio:9000", "http://" }) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> S3Settings.from(new Values().endpoint(bad)), bad);
            assertTrue(e.getMessage().startsWith("CPDB_BACKUP_S3_ENDPOINT (cpdb.backup.s3.endpoint) must be an "
                    + "http:// or https:// URL"), e.getMessage());
        }
    }

    @Test
    void staticCredentialsComeInPairsAndTheSecretIsNeverPrinted() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> S3Settings.from(new Values().accessKeyId("AKIA")));
        assertTrue(e.getMessage().contains("must be set together"), e.getMessage());

        S3Settings settings = S3Settings.from(new Values().accessKeyId("AKIA").secretAccessKey("very-secret"));
        assertTrue(settings.toString().contains("static AKIA"), settings.toString());
        assertFalse(settings.toString().contains("very-secret"), settings.toString());
    }

    @Test
    void partSizeAndPartsInFlightHaveBounds() {
        InvalidConfigurationException small = assertThrows(InvalidConfigurationException.class,
                () -> S3Settings.from(new Values().partSize(4 * MIB)));
        assertTrue(small.getMessage().startsWith("CPDB_BACKUP_S3_PART_SIZE"), small.getMessage());
        assertThrows(InvalidConfigurationException.class, () -> S3Settings.from(new Values().partSize(2048 * MIB)));

        InvalidConfigurationException none = assertThrows(InvalidConfigurationException.class,
                () -> S3Settings.from(new Values().partsInFlight(0)));
        assertTrue(none.getMessage().startsWith("CPDB_BACKUP_S3_PARTS_IN_FLIGHT"), none.getMessage());
    }

    @Test
    void aRegionIsAName() {
        assertEquals("auto", S3Settings.from(new Values().region("auto")).region());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> S3Settings.from(new Values().region("us east")));
        assertTrue(e.getMessage().startsWith("CPDB_BACKUP_S3_REGION"), e.getMessage());
    }

    @Test
    void serverSideEncryptionIsNoneSseS3OrSseKmsWithAnOptionalKey() {
        assertEquals(Optional.empty(), S3Settings.from(new Values()).sse());
        assertEquals(Optional.of(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AES256),
                S3Settings.from(new Values().sse("AES256")).sse());
        S3Settings kms = S3Settings.from(new Values().sse("aws:kms").sseKmsKeyId("alias/cpdb-backups"));
        assertEquals(Optional.of(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AWS_KMS), kms.sse());
        assertEquals(Optional.of("alias/cpdb-backups"), kms.sseKmsKeyId());

        InvalidConfigurationException unknown = assertThrows(InvalidConfigurationException.class,
                () -> S3Settings.from(new Values().sse("kms")));
        assertTrue(unknown.getMessage().contains("CPDB_BACKUP_S3_SSE (cpdb.backup.s3.sse) must be none, AES256 or "
                + "aws:kms"), unknown.getMessage());
        InvalidConfigurationException keyAlone = assertThrows(InvalidConfigurationException.class,
                () -> S3Settings.from(new Values().sse("AES256").sseKmsKeyId("alias/x")));
        assertTrue(keyAlone.getMessage().contains("needs CPDB_BACKUP_S3_SSE=aws:kms"), keyAlone.getMessage());
    }

    /** Settings as the mapping would deliver them, with its defaults. */
    private static final class Values implements S3Config {

        private Optional<String> endpoint = Optional.empty();
        private String region = "us-east-1";
        private Optional<String> accessKeyId = Optional.empty();
        private Optional<String> secretAccessKey = Optional.empty();
        private long partSize = 8 * MIB;
        private int partsInFlight = 2;
        private String sse = "none";
        private Optional<String> sseKmsKeyId = Optional.empty();

        Values sse(String value) {
            sse = value;
            return this;
        }

        Values sseKmsKeyId(String value) {
            sseKmsKeyId = Optional.of(value);
            return this;
        }

        @Override
        public String sse() {
            return sse;
        }

        @Override
        public Optional<String> sseKmsKeyId() {
            return sseKmsKeyId;
        }

        Values endpoint(String value) {
            endpoint = Optional.of(value);
            return this;
        }

        Values region(String value) {
            region = value;
            return this;
        }

        Values accessKeyId(String value) {
            accessKeyId = Optional.of(value);
            return this;
        }

        Values secretAccessKey(String value) {
            secretAccessKey = Optional.of(value);
            return this;
        }

        Values partSize(long value) {
            partSize = value;
            return this;
        }

        Values partsInFlight(int value) {
            partsInFlight = value;
            return this;
        }

        @Override
        public Optional<String> endpoint() {
            return endpoint;
        }

        @Override
        public String region() {
            return region;
        }

        @Override
        public boolean pathStyle() {
            return false;
        }

        @Override
        public Optional<String> accessKeyId() {
            return accessKeyId;
        }

        @Override
        public Optional<String> secretAccessKey() {
            return secretAccessKey;
        }

        @Override
        public MemorySize partSize() {
            return new MemorySize(BigInteger.valueOf(partSize));
        }

        @Override
        public int partsInFlight() {
            return partsInFlight;
        }
    }
}
