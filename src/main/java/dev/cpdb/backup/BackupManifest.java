package dev.cpdb.backup;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.cpdb.backup.engine.LargeObjectStats;
import dev.cpdb.backup.engine.TableStats;

/**
 * The manifest written next to a backup's data object once the data object is complete: its existence marks the
 * backup as committed. Everything an operator or a restore needs to trust the data object is here.
 *
 * @param formatVersion layout version of script and manifest; restores refuse newer ones
 * @param backupId time-sortable id, {@code 20261125T101500Z-3f9a1c}
 * @param tool the cpdb version that wrote it
 * @param ownersAndPrivileges whether the script sets owners and privileges (restoring it needs the roles it names);
 *        false in manifests written before the option existed, whose scripts never do
 * @param signature MAC over everything else (see {@link BackupSigning}); null when written without a signing key
 * @param encryption how the data object is encrypted; null (and left out of the JSON, so that manifests written
 *        before encryption existed keep their signature) when it is not
 * @param schemas the schemas the backup holds; a restore with {@code --clean} drops these and nothing else
 * @param selection how {@link #schemas()} were chosen and which schemas were left out; null (and left out of the
 *        JSON) in manifests written before schema selection existed, which hold every non-system schema
 * @param largeObjects how many large objects the script creates and their total size; null (left out of the JSON)
 *        in manifests written before backups carried large objects
 */
public record BackupManifest(int formatVersion, String backupId, String tool, Instant startedAt, Instant finishedAt,
        Source source, String compression, boolean ownersAndPrivileges, DataObject data, List<String> schemas,
        List<TableStats> tables, Migrations migrations, Signature signature,
        @JsonInclude(JsonInclude.Include.NON_NULL) Encryption encryption,
        @JsonInclude(JsonInclude.Include.NON_NULL) Selection selection,
        @JsonInclude(JsonInclude.Include.NON_NULL) LargeObjectStats largeObjects) {

    /** A manifest without a recorded schema selection or large-object count. */
    public BackupManifest(int formatVersion, String backupId, String tool, Instant startedAt, Instant finishedAt,
            Source source, String compression, boolean ownersAndPrivileges, DataObject data, List<String> schemas,
            List<TableStats> tables, Migrations migrations, Signature signature, Encryption encryption) {
        this(formatVersion, backupId, tool, startedAt, finishedAt, source, compression, ownersAndPrivileges, data,
                schemas, tables, migrations, signature, encryption, null, null);
    }

    /** A manifest of a data object that is not encrypted. */
    public BackupManifest(int formatVersion, String backupId, String tool, Instant startedAt, Instant finishedAt,
            Source source, String compression, boolean ownersAndPrivileges, DataObject data, List<String> schemas,
            List<TableStats> tables, Migrations migrations, Signature signature) {
        this(formatVersion, backupId, tool, startedAt, finishedAt, source, compression, ownersAndPrivileges, data,
                schemas, tables, migrations, signature, null);
    }

    /** A manifest without signature. */
    public BackupManifest(int formatVersion, String backupId, String tool, Instant startedAt, Instant finishedAt,
            Source source, String compression, boolean ownersAndPrivileges, DataObject data, List<String> schemas,
            List<TableStats> tables, Migrations migrations) {
        this(formatVersion, backupId, tool, startedAt, finishedAt, source, compression, ownersAndPrivileges, data,
                schemas, tables, migrations, null);
    }

    /**
     * The signature of a manifest.
     *
     * @param algorithm {@code HMAC-SHA256}
     * @param keyId which key signed: the first 16 hex digits of the key's SHA-256
     * @param value hex MAC
     */
    public record Signature(String algorithm, String keyId, String value) {
    }

    /** The same manifest with another signature (null for none). */
    public BackupManifest withSignature(Signature replacement) {
        return new BackupManifest(formatVersion, backupId, tool, startedAt, finishedAt, source, compression,
                ownersAndPrivileges, data, schemas, tables, migrations, replacement, encryption, selection,
                largeObjects);
    }

    /**
     * How the schemas of a backup were selected.
     *
     * @param include the include patterns ({@code --schema}, {@code CPDB_BACKUP_SCHEMAS}); empty: the default
     * @param exclude the exclude patterns ({@code --exclude-schema}, {@code CPDB_BACKUP_EXCLUDE_SCHEMAS})
     * @param leftOut the non-system schemas the backup does not hold, each with the reason
     * @param unmatchedExcludes exclude patterns that matched no schema of this database
     */
    public record Selection(List<String> include, List<String> exclude, List<LeftOut> leftOut,
            List<String> unmatchedExcludes) {
    }

    /** A schema a backup does not hold, and why (an exclude pattern, no include pattern, or its owner). */
    public record LeftOut(String schema, String reason) {
    }

    /**
     * The encryption of a data object.
     *
     * @param format {@code age} (age-encryption.org/v1, X25519 recipients)
     * @param recipients fingerprints of the recipients it was encrypted to (see
     *        {@link dev.cpdb.backup.crypto.AgeRecipient#fingerprint()})
     */
    public record Encryption(String format, List<String> recipients) {

        /** The only format so far. */
        public static final String AGE = "age";
    }

    /** Name of the manifest object inside a backup's folder. */
    public static final String FILE_NAME = "manifest.json";

    /**
     * The database that was backed up, and the server its data was read from. The last four are null (and left out
     * of the JSON, so that older manifests keep their signature) in manifests written before backups could read from
     * a replica, which all read from the primary.
     *
     * @param readFrom {@code primary} or {@code replica}
     * @param replica the replica read from ({@code host:port/database} of its {@code DATABASE_READ_URL} entry)
     * @param replayPosition the WAL position the replica had replayed just before the snapshot was taken: the backup
     *        holds every transaction the primary committed up to it
     * @param fallback why a backup that was to read from a replica read from the primary
     */
    public record Source(String serverVersion, int serverVersionNumber, String database,
            @JsonInclude(JsonInclude.Include.NON_NULL) String readFrom,
            @JsonInclude(JsonInclude.Include.NON_NULL) String replica,
            @JsonInclude(JsonInclude.Include.NON_NULL) String replayPosition,
            @JsonInclude(JsonInclude.Include.NON_NULL) String fallback) {

        /** A source whose data server is not recorded. */
        public Source(String serverVersion, int serverVersionNumber, String database) {
            this(serverVersion, serverVersionNumber, database, null, null, null, null);
        }
    }

    /**
     * The data object.
     *
     * @param bytes size as stored (compressed, and encrypted when the backup is)
     * @param sha256 hex SHA-256 of the stored bytes, so that integrity is checked before anything is decrypted
     * @param scriptBytes size of the plain SQL script
     */
    public record DataObject(String key, long bytes, String sha256, long scriptBytes) {
    }

    /** Applied migrations at the time of the snapshot. */
    public record Migrations(List<String> core, Map<String, List<String>> plugins) {
    }

    /**
     * A mapper for reading manifests: fields a newer cpdb adds within the same format version are ignored (a format
     * change that matters raises {@link #formatVersion()} instead), and fields an older cpdb did not write yet read as
     * false or zero (such as {@link #ownersAndPrivileges()}), whatever the API's strict input policy says.
     */
    public static com.fasterxml.jackson.databind.ObjectMapper reader(com.fasterxml.jackson.databind.ObjectMapper base) {
        return base.copy()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);
    }

    /** {@link #reader} that also writes manifests, indented as they are stored. */
    public static com.fasterxml.jackson.databind.ObjectMapper writer(com.fasterxml.jackson.databind.ObjectMapper base) {
        return reader(base).enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    }

    /** A fresh digest of the kind {@link DataObject#sha256()} records. */
    static java.security.MessageDigest dataDigest() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Total rows over all tables. */
    public long totalRows() {
        return tables.stream().mapToLong(TableStats::rows).sum();
    }
}
