package dev.cpdb.backup.store;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A bucket and a key prefix, parsed from an {@code s3://bucket/prefix} target. The prefix has no leading or trailing
 * slash and is empty for the bucket's root.
 */
public record S3Location(String bucket, String prefix) {

    private static final String SCHEME = "s3://";

    /** S3's rules for new bucket names: 3–63 lower-case letters, digits, dots and hyphens. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    public S3Location {
        String problem = bucketProblem(bucket);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (!prefix.isEmpty()) {
            BackupStore.requireValidKey(prefix);
        }
    }

    /** Whether {@code target} is meant as an S3 location (it starts with {@code s3://}, in any case). */
    public static boolean isS3(String target) {
        return target.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Parses {@code s3://bucket}, {@code s3://bucket/} or {@code s3://bucket/some/prefix[/]}.
     *
     * @throws IllegalArgumentException naming what is wrong, with the accepted form
     */
    public static S3Location parse(String target) {
        if (!isS3(target)) {
            throw invalid(target, "it does not start with s3://");
        }
        String rest = target.substring(SCHEME.length());
        if (rest.contains("?") || rest.contains("#")) {
            throw invalid(target, "query strings and fragments are not supported");
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw invalid(target, "the bucket name is missing");
        }
        if (bucket.contains("@") || bucket.contains(":")) {
            throw invalid(target, "credentials and ports do not belong in the URL; set CPDB_BACKUP_S3_ACCESS_KEY_ID, "
                    + "CPDB_BACKUP_S3_SECRET_ACCESS_KEY and CPDB_BACKUP_S3_ENDPOINT instead");
        }
        String bucketProblem = bucketProblem(bucket);
        if (bucketProblem != null) {
            throw invalid(target, bucketProblem);
        }
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.isEmpty()) {
            try {
                BackupStore.requireValidKey(prefix);
            } catch (IllegalArgumentException e) {
                throw invalid(target, "the prefix '" + prefix + "' has empty, '.' or '..' segments");
            }
        }
        return new S3Location(bucket, prefix);
    }

    /** The object key of a store key: the store's key below the prefix. */
    public String objectKey(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /** What every object key of this location starts with: the prefix and a slash, or nothing. */
    public String keyPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    @Override
    public String toString() {
        return SCHEME + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    private static String bucketProblem(String bucket) {
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..") || IP_ADDRESS.matcher(bucket).matches()) {
            return "'" + bucket + "' is not a valid bucket name (3 to 63 characters: lower-case letters, digits, "
                    + "dots and hyphens, starting and ending with a letter or digit"
                    + (bucket.equals(bucket.toLowerCase(Locale.ROOT)) ? "" : "; no upper case") + ")";
        }
        return null;
    }

    private static IllegalArgumentException invalid(String target, String reason) {
        return new IllegalArgumentException("backup target '" + target + "' is not a valid S3 location: " + reason
                + "; expected s3://bucket or s3://bucket/prefix");
    }
}
