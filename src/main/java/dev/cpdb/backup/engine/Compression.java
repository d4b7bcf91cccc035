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
 * compresses about as well as gzip level 6, which is several times slower.
 */
public enum Compression {
    ZSTD(".sql.zst"),
    GZIP(".sql.gz"),
    NONE(".sql");

    /** zstd level: fast enough to never be the bottleneck behind COPY. */
    static final int ZSTD_LEVEL = 3;

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
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

    /** Wraps {@code target}; closing the result finishes the compressed stream and closes {@code target}. */
    public OutputStream compress(OutputStream target) throws IOException {
        return switch (this) {
            case ZSTD -> {
                ZstdOutputStream zstd = new ZstdOutputStream(target, ZSTD_LEVEL);
                zstd.setChecksum(true);
                // One background compression thread, so reading rows and compressing them overlap.
                zstd.setWorkers(1);
                yield zstd;
            }
            case GZIP -> new GZIPOutputStream(target, 1 << 16);
            case NONE -> target;
        };
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
