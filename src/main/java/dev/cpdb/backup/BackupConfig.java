package dev.cpdb.backup;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Backup settings ({@code CPDB_BACKUP_*}).
 */
@ConfigMapping(prefix = "cpdb.backup")
public interface BackupConfig {

    /** Default of {@link #schedule()}, also the default of the instance setting. */
    String DEFAULT_SCHEDULE = "1h";

    /** Defaults of {@link #compression()} and {@link #jobs()}, also those of the instance settings. */
    String DEFAULT_COMPRESSION = "zstd";
    String DEFAULT_JOBS = "1";

    /** Default of {@link #source()}, also the default of the instance setting. */
    String DEFAULT_SOURCE = "primary";

    /** Default of {@link #verifySchedule()}, also the default of the instance setting. */
    String DEFAULT_VERIFY_SCHEDULE = "7d";

    /**
     * Where backups go: a folder path or {@code s3://bucket/prefix}; default
     * {@code $CPDB_HOME/instances/$CPDB_INSTANCE_ID/backups}.
     */
    Optional<String> target();

    /** Compression of the data object: zstd, gzip or none. */
    @WithDefault(DEFAULT_COMPRESSION)
    String compression();

    /**
     * Compression level: zstd 1 to 19 (default 3), gzip 1 to 9 (default 6); ignored without compression. Higher
     * levels give smaller backups for more CPU time.
     */
    @WithName("compression-level")
    Optional<Integer> compressionLevel();

    /** Longest a backup may run before it is cancelled. */
    @WithDefault("6h")
    Duration deadline();

    /** How long a backup waits for its table locks before giving up. */
    @WithName("lock-timeout")
    @WithDefault("30s")
    Duration lockTimeout();

    /**
     * Connections that copy rows at once, sharing one snapshot (1 to 16); 1 copies on a single connection. One by
     * default, like pg_dump: more only pay off when the database server has idle cores.
     */
    @WithDefault(DEFAULT_JOBS)
    int jobs();

    /**
     * Whether backups also carry owners, privileges and default privileges, as pg_dump does by default. Off by
     * default, like {@code pg_dump --no-owner --no-privileges}: such a backup restores under any role, while one with
     * owners needs every role it names to exist on the target server.
     */
    @WithName("owners-and-privileges")
    @WithDefault("false")
    boolean ownersAndPrivileges();

    /**
     * Where a backup reads its data: {@code primary}, or {@code replica} (a streaming replica of
     * {@code DATABASE_READ_URL} that is healthy, over its direct address; the primary when none is).
     */
    @WithDefault(DEFAULT_SOURCE)
    String source();

    /**
     * Keys that sign backup manifests (HMAC-SHA256), at least 32 characters each, comma-separated: the first signs,
     * every one verifies. Unset: {@link #signingKeyFile()}, or on the embedded default a key generated into the
     * instance folder.
     */
    @WithName("signing-key")
    Optional<String> signingKey();

    /** A file with signing keys, one per line (the first signs), added after {@link #signingKey()}. */
    @WithName("signing-key-file")
    Optional<String> signingKeyFile();

    /**
     * age X25519 recipients ({@code age1…}, as {@code age-keygen} prints them), separated by commas or spaces: when
     * set, every new backup is encrypted to all of them. Public keys only: writing backups needs no secret.
     */
    @WithName("encryption-recipient")
    Optional<String> encryptionRecipient();

    /**
     * age identities ({@code AGE-SECRET-KEY-1…}) that decrypt encrypted backups for restore, verify and drills;
     * several may be given, one per line or separated by commas.
     */
    @WithName("encryption-identity")
    Optional<String> encryptionIdentity();

    /** A file with age identities as {@code age-keygen} writes it, added after {@link #encryptionIdentity()}. */
    @WithName("encryption-identity-file")
    Optional<String> encryptionIdentityFile();

    /**
     * Schemas to back up: comma-separated patterns with pg_dump's rules ({@code *}, {@code ?}, double quotes keep
     * case). Unset: every non-system schema except those owned by roles the backing-up user is not a member of.
     */
    Optional<String> schemas();

    /** Schemas to leave out: comma-separated patterns like {@link #schemas()}; exclusion wins over inclusion. */
    @WithName("exclude-schemas")
    Optional<String> excludeSchemas();

    /** Whether the service takes scheduled backups. */
    @WithDefault("true")
    boolean enabled();

    /** When scheduled backups run: an interval (1h, 30m, PT15M), a Quartz cron expression, or off. */
    @WithDefault(DEFAULT_SCHEDULE)
    String schedule();

    /** When the newest backup is restored into a scratch database as a drill: interval, cron, or off. */
    @WithName("verify-schedule")
    @WithDefault(DEFAULT_VERIFY_SCHEDULE)
    String verifySchedule();

    /** Age of the newest successful backup above which the backups health group is down; default 2 x schedule. */
    @WithName("max-age")
    Optional<Duration> maxAge();

    /** How long the backup lease lasts without renewal: the bound on how long a dead replica blocks backups. */
    @WithName("lease-ttl")
    @WithDefault("60s")
    Duration leaseTtl();
}
