package dev.cpdb.backup;

import java.time.Duration;
import java.util.Optional;

/**
 * Backup settings for tests that need a backup to give up on its table locks after one second; no schedule. Tests
 * that need another setting changed as well override it.
 */
class ShortLockTimeout implements BackupConfig {

    @Override
    public Optional<String> target() {
        return Optional.empty();
    }

    @Override
    public String compression() {
        return "zstd";
    }

    @Override
    public Optional<Integer> compressionLevel() {
        return Optional.empty();
    }

    @Override
    public Duration deadline() {
        return Duration.ofMinutes(5);
    }

    @Override
    public Optional<String> schemas() {
        return Optional.empty();
    }

    @Override
    public Optional<String> excludeSchemas() {
        return Optional.empty();
    }

    @Override
    public Duration lockTimeout() {
        return Duration.ofSeconds(1);
    }

    @Override
    public int jobs() {
        return 2;
    }

    @Override
    public boolean ownersAndPrivileges() {
        return false;
    }

    @Override
    public String source() {
        return DEFAULT_SOURCE;
    }

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public String schedule() {
        return "off";
    }

    @Override
    public String verifySchedule() {
        return "off";
    }

    @Override
    public Optional<Duration> maxAge() {
        return Optional.empty();
    }

    @Override
    public Duration leaseTtl() {
        return Duration.ofSeconds(60);
    }

    @Override
    public Optional<String> signingKey() {
        return Optional.empty();
    }

    @Override
    public Optional<String> signingKeyFile() {
        return Optional.empty();
    }

    @Override
    public Optional<String> encryptionRecipient() {
        return Optional.empty();
    }

    @Override
    public Optional<String> encryptionIdentity() {
        return Optional.empty();
    }

    @Override
    public Optional<String> encryptionIdentityFile() {
        return Optional.empty();
    }
}
