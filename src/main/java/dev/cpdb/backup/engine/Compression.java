package dev.cpdb.backup.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

/**
 * Compression of the backup script. zstd is the default: at level 3 it keeps up with COPY on one core and
 * compresses about as well as gzip level 6, which is several times slower. The level can be chosen
 * ({@code CPDB_BACKUP_COMPRESSION_LEVEL}); restores do not need to know it.
 */
public enum Compression {
    /** Levels 1 to 19 (higher ones need much more memory); 3 is fast enough never to hold back COPY. */
    ZSTD(".sql.zst", 1, 3, 19),
    /** Levels 1 to 9; 6 as gzip itself and pg_dump use. */
    GZIP(".sql.gz", 1, 6, 9),
    /** No levels. */
    NONE(".sql", 0, 0, 0);

    private final String extension;
    private final int minLevel;
    private final int defaultLevel;
    private final int maxLevel;

    Compression(String extension, int minLevel, int defaultLevel, int maxLevel) {
        this.extension = extension;
        this.minLevel = minLevel;
        this.defaultLevel = defaultLevel;
        this.maxLevel = maxLevel;
    }

    /** The level used when none is configured. */
    public int defaultLevel() {
        return defaultLevel;
    }

    /** Lowest accepted level (the fastest). */
    public int minLevel() {
        return minLevel;
    }

    /** Highest accepted level (the smallest output). */
    public int maxLevel() {
        return maxLevel;
    }

    /**
     * Checks a level for this compression, naming the accepted range.
     *
     * @throws IllegalArgumentException when the level is outside it
     */
    public int checkLevel(int level) {
        if (this != NONE && (level < minLevel || level > maxLevel)) {
            throw new IllegalArgumentException("compression level " + level + " is out of range for "
                    + settingValue() + "; use " + minLevel + " (fastest) to " + maxLevel + " (smallest)");
        }
        return level;
    }

    /** Parses a setting value ({@code zstd}, {@code gzip}, {@code none}), naming the accepted values. */
    public static Compression parse(String value) {
        for (Compression compression : values()) {
            if (compression.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
                return compression;
            }
        }
        throw new IllegalArgumentException("compression '" + value + "' is not one of "
                + String.join(", ", Arrays.stream(values()).map(Compression::settingValue).toList()));
    }

    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** File name ending of the data object, e.g. {@code .sql.zst}. */
    public String extension() {
        return extension;
    }

    /** Wraps {@code target} at the default level. */
    public OutputStream compress(OutputStream target) throws IOException {
        return compress(target, defaultLevel());
    }

    /**
     * Wraps {@code target}; closing the result finishes the compressed stream and closes {@code target}.
     *
     * @param level a level accepted by {@link #checkLevel}; ignored for none
     */
    public OutputStream compress(OutputStream target, int level) throws IOException {
        checkLevel(level);
        return switch (this) {
            case ZSTD -> {
                ZstdOutputStream zstd = new ZstdOutputStream(target, level);
                zstd.setChecksum(true);
                // One background compression thread, so reading rows and compressing them overlap.
                zstd.setWorkers(1);
                yield zstd;
            }
            case GZIP -> new LeveledGzipOutputStream(target, level);
            case NONE -> target;
        };
    }

    /** {@link GZIPOutputStream} at a chosen level. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream target, int level) throws IOException {
            super(target, 1 << 16);
            def.setLevel(level);
        }
    }

    /** Wraps {@code source} for reading the plain script. */
    public InputStream decompress(InputStream source) throws IOException {
        return switch (this) {
            case ZSTD -> new ZstdInputStream(source);
            case GZIP -> new GZIPInputStream(source, 1 << 16);
            case NONE -> source;
        };
    }
}
