package dev.cpdb.backup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of {@code s3://bucket/prefix} targets; bucket rules are S3's naming rules for new buckets. */
class S3LocationTest {

    @ParameterizedTest
    @CsvSource({
            "s3://backups, backups, '', s3://backups",
            "s3://backups/, backups, '', s3://backups",
            "s3://backups/cpdb, backups, cpdb, s3://backups/cpdb",
            "s3://backups/cpdb/prod/, backups, cpdb/prod, s3://backups/cpdb/prod",
            "S3://my.bucket-1/x, my.bucket-1, x, s3://my.bucket-1/x" })
    void validTargetsParse(String target, String bucket, String prefix, String normalized) {
        S3Location location = S3Location.parse(target);

        assertEquals(bucket, location.bucket());
        assertEquals(prefix, location.prefix());
        assertEquals(normalized, location.toString());
    }

    @ParameterizedTest
    @CsvSource({
            "s3://, the bucket name is missing",
            "s3:///cpdb, the bucket name is missing",
            "s3://ab, not a valid bucket name",
            "s3://My_Bucket/x, no upper case",
            "s3://-bucket, not a valid bucket name",
            "s3://bucket-, not a valid bucket name",
            "s3://my..bucket, not a valid bucket name",
            "s3://192.168.1.10/x, not a valid bucket name",
            "s3://key:secret@bucket/x, credentials and ports do not belong",
            "s3://bucket:9000/x, credentials and ports do not belong",
            "s3://bucket/a//b, has empty",
            "s3://bucket/a/../b, has empty",
            "s3://bucket/x?versionId=1, query strings",
            "file:///tmp, does not start with s3://" })
    void invalidTargetsAreRefusedWithTheReason(String target, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> S3Location.parse(target));

        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("expected s3://bucket or s3://bucket/prefix"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "s3://x", "S3://x", " s3://x" })
    void onlyTheSchemeDecidesWhetherATargetIsS3(String target) {
        assertEquals(!target.startsWith(" "), S3Location.isS3(target));
        assertFalse(S3Location.isS3("/var/backups/s3://x"));
    }

    @ParameterizedTest
    @CsvSource({ "'', b1/data.sql, b1/data.sql", "cpdb/prod, b1/data.sql, cpdb/prod/b1/data.sql" })
    void objectKeysLiveBelowThePrefix(String prefix, String key, String objectKey) {
        assertEquals(objectKey, new S3Location("bucket", prefix).objectKey(key));
    }
}
