package dev.cpdb.backup;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Backup ids: the UTC start time to the second plus a short random suffix, e.g. {@code 20261125T101500Z-3f9a1c}, so
 * that sorting ids sorts backups by time and two backups started in the same second still differ.
 */
public final class BackupId {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STRICT = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern SHAPE = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{6}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private BackupId() {
    }

    /** A new id for a backup starting at {@code now}. */
    public static String next(Instant now) {
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        return FORMAT.format(now) + "-" + HexFormat.of().formatHex(suffix);
    }

    /** Whether {@code text} has the shape of a backup id (and so is safe as an object key segment). */
    public static boolean isValid(String text) {
        return text != null && SHAPE.matcher(text).matches();
    }

    /**
     * The start time written into an id, to the second; empty when {@code text} is not a valid id or names a time
     * that does not exist (such as February 30).
     */
    public static Optional<Instant> startedAt(String text) {
        if (!isValid(text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(STRICT.parse(text.substring(0, 16), Instant::from));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
