package dev.cpdb.backup;

import java.nio.file.Path;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.cpdb.InstanceDirectory;
import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.SchemaSelection;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.BackupStores;
import dev.cpdb.backup.store.S3BackupStores;
import dev.cpdb.settings.InstanceSettings;

/**
 * What a backup is taken with and where it goes: the store, compression, copy connections, owners and privileges,
 * the schema selection, encryption and signing, from the configuration and the live instance settings. Each value is
 * checked and the error names the setting; the service checks them all once at start-up.
 */
@ApplicationScoped
public class BackupOptions {

    private final BackupConfig config;
    private final InstanceDirectory instance;
    private final BackupStores stores;
    private final BackupSigning signing;
    private final BackupEncryption encryption;
    private volatile InstanceSettings settings;

    @Inject
    public BackupOptions(BackupConfig config, InstanceDirectory instance, S3BackupStores s3, BackupSigning signing) {
        this.config = config;
        this.instance = instance;
        this.stores = new BackupStores(s3);
        this.signing = signing;
        this.encryption = new BackupEncryption(config);
    }

    /** The configured store: {@code CPDB_BACKUP_TARGET}, or the instance's {@code backups} folder. */
    public BackupStore defaultStore() {
        return config.target().filter(text -> !text.isBlank()).map(this::store)
                .orElseGet(() -> stores.folder(instance.path().resolve("backups")));
    }

    /** A store for a target given by an operator: a folder path, {@code file://} URL or {@code s3://bucket/prefix}. */
    public BackupStore store(String target) {
        try {
            return stores.open(target);
        } catch (IllegalArgumentException e) {
            throw new BackupFailedException(e.getMessage(), e);
        }
    }

    /** A store in the folder {@code path}. */
    public BackupStore folder(Path path) {
        return stores.folder(path);
    }

    /** Where the signing keys come from ({@code none} without); on the embedded default, generates the key file. */
    public String signingSource() {
        return signing.source();
    }

    /** Says (once per process) that backups go unsigned when no signing key is configured. */
    public void warnIfUnsigned() {
        signing.warnIfUnsigned();
    }

    /** Checks the configured signing keys, without generating one. */
    public void validateSigningSettings() {
        signing.validateSettings();
    }

    /** Checks the encryption settings (recipients and identities), naming the setting that is wrong. */
    public void validateEncryptionSettings() {
        encryption.validateSettings();
    }

    /** What new backups are encrypted to, for the start-up log: {@code none} or the recipients' fingerprints. */
    public String encryptionSummary() {
        return encryption.recipients().map(recipients -> "age to " + String.join(", ",
                BackupEncryption.describe(recipients).recipients())).orElse("none");
    }

    /** The compression setting, checked. */
    public Compression compression(String value) {
        try {
            return Compression.parse(value);
        } catch (IllegalArgumentException e) {
            throw new BackupFailedException(e.getMessage());
        }
    }

    /** A number of copy connections, checked. */
    public static int jobs(int value, String setting) {
        if (value < 1 || value > BackupEngine.MAX_JOBS) {
            throw new BackupFailedException(setting + " is " + value + "; use a number of connections from 1 to "
                    + BackupEngine.MAX_JOBS);
        }
        return value;
    }

    /**
     * Reads the live instance settings once they are loaded (by the service, or by a command that asked for them);
     * before that, and on a database without them, the configuration.
     */
    @Inject
    void settings(InstanceSettings instanceSettings) {
        this.settings = instanceSettings;
    }

    /** The instance setting {@code key} when the settings are loaded, else what {@code configured} says. */
    private String live(String key, java.util.function.Supplier<String> configured) {
        InstanceSettings current = settings;
        return current != null && current.loaded() ? current.value(key) : configured.get();
    }

    /** Default copy connections ({@code CPDB_BACKUP_JOBS}, live as {@code backup.jobs}). */
    public int defaultJobs() {
        return jobs(Integer.parseInt(live(BackupSettings.JOBS, () -> Integer.toString(config.jobs()))),
                "CPDB_BACKUP_JOBS (cpdb.backup.jobs)");
    }

    /** Default compression ({@code CPDB_BACKUP_COMPRESSION}, live as {@code backup.compression}). */
    public Compression defaultCompression() {
        return compression(live(BackupSettings.COMPRESSION, config::compression));
    }

    /**
     * The level to compress with: {@code CPDB_BACKUP_COMPRESSION_LEVEL} (live as {@code backup.compression-level}),
     * checked, or the compression's default.
     */
    public int compressionLevel(Compression compression) {
        String level = live(BackupSettings.COMPRESSION_LEVEL,
                () -> config.compressionLevel().map(String::valueOf).orElse(""));
        try {
            return level.isBlank() ? compression.defaultLevel() : compression.checkLevel(Integer.parseInt(level));
        } catch (IllegalArgumentException e) {
            throw new BackupFailedException("CPDB_BACKUP_COMPRESSION_LEVEL (cpdb.backup.compression-level): "
                    + e.getMessage());
        }
    }

    /**
     * Whether backups carry owners and privileges ({@code CPDB_BACKUP_OWNERS_AND_PRIVILEGES}, live as
     * {@code backup.owners-and-privileges}).
     */
    public boolean defaultOwnersAndPrivileges() {
        return Boolean.parseBoolean(live(BackupSettings.OWNERS_AND_PRIVILEGES,
                () -> Boolean.toString(config.ownersAndPrivileges())));
    }

    /** Accepted values of {@code CPDB_BACKUP_SOURCE}. */
    static final List<String> SOURCES = List.of(BackupConfig.DEFAULT_SOURCE, "replica");

    /**
     * Whether backups read their data from a streaming replica ({@code CPDB_BACKUP_SOURCE=replica}, live as
     * {@code backup.source}) rather than from the primary.
     *
     * @throws BackupFailedException naming the setting when its value is neither
     */
    public boolean readFromReplica() {
        String value = live(BackupSettings.SOURCE, config::source).strip();
        if (!SOURCES.contains(value)) {
            throw new BackupFailedException("CPDB_BACKUP_SOURCE (cpdb.backup.source) is \"" + value + "\"; use "
                    + String.join(" or ", SOURCES));
        }
        return value.equals("replica");
    }

    /**
     * The schema selection of {@code CPDB_BACKUP_SCHEMAS} and {@code CPDB_BACKUP_EXCLUDE_SCHEMAS}, checked.
     *
     * @throws BackupFailedException naming the setting and the pattern that is not well formed
     */
    public SchemaSelection defaultSelection() {
        return selection(config.schemas().map(SchemaSelection::splitSetting).orElse(List.of()),
                config.excludeSchemas().map(SchemaSelection::splitSetting).orElse(List.of()),
                "CPDB_BACKUP_SCHEMAS (cpdb.backup.schemas) / CPDB_BACKUP_EXCLUDE_SCHEMAS (cpdb.backup.exclude-schemas)");
    }

    /**
     * A selection from patterns an operator gave, checked.
     *
     * @param source what the patterns came from, for the error message
     */
    public static SchemaSelection selection(List<String> include, List<String> exclude, String source) {
        try {
            return SchemaSelection.of(include, exclude);
        } catch (IllegalArgumentException e) {
            throw new BackupFailedException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * A request to back up to {@code store} with the live instance settings: compression, copy connections, owners
     * and privileges, and the schema selection of {@code CPDB_BACKUP_SCHEMAS} / {@code CPDB_BACKUP_EXCLUDE_SCHEMAS}.
     *
     * @throws BackupFailedException naming a setting whose value is wrong
     */
    public BackupRequest request(BackupStore store) {
        return new BackupRequest(store, defaultCompression(), defaultJobs(), defaultOwnersAndPrivileges(),
                defaultSelection());
    }

    /** What new backups are encrypted to and what restores decrypt with. */
    BackupEncryption encryption() {
        return encryption;
    }

}
