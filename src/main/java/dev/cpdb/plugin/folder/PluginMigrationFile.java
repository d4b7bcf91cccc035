package dev.cpdb.plugin.folder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One {@code V<n>__<name>.sql} file of a plugin, read into memory with its SHA-256 checksum.
 *
 * @param version the number after {@code V}; migrations apply in ascending order
 * @param fileName the file name, used in every message about the migration
 * @param sql the file's text (UTF-8)
 * @param checksum lowercase hex SHA-256 of the file's exact bytes
 */
public record PluginMigrationFile(int version, String fileName, String sql, String checksum) {

    /** The registry's name for the migration, e.g. {@code V3}. */
    public String migrationKey() {
        return "V" + version;
    }

    /** Builds a migration from the file's bytes; the checksum covers the bytes exactly as stored. */
    public static PluginMigrationFile of(int version, String fileName, byte[] content) {
        return new PluginMigrationFile(version, fileName, new String(content, StandardCharsets.UTF_8),
                sha256(content));
    }

    /** Lowercase hex SHA-256. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
