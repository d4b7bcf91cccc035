package dev.cpdb.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.cpdb.backup.crypto.AgeDecryptingInputStream;
import dev.cpdb.backup.crypto.AgeEncryptingOutputStream;
import dev.cpdb.backup.crypto.AgeIdentity;
import dev.cpdb.backup.crypto.AgeRecipient;

/**
 * Optional client-side encryption of data objects in the age format: backups are encrypted to the public keys of
 * {@code CPDB_BACKUP_ENCRYPTION_RECIPIENT}, and restores, verifications and drills decrypt with the identities of
 * {@code CPDB_BACKUP_ENCRYPTION_IDENTITY} / {@code _FILE}. The settings are read when first needed, so a service that
 * only writes backups never needs the identity.
 */
public final class BackupEncryption {

    static final String RECIPIENT_SETTING = "CPDB_BACKUP_ENCRYPTION_RECIPIENT (cpdb.backup.encryption-recipient)";
    static final String IDENTITY_SETTING = "CPDB_BACKUP_ENCRYPTION_IDENTITY (cpdb.backup.encryption-identity)";
    static final String IDENTITY_FILE_SETTING = "CPDB_BACKUP_ENCRYPTION_IDENTITY_FILE (cpdb.backup.encryption-identity-file)";

    private final BackupConfig config;

    BackupEncryption(BackupConfig config) {
        this.config = config;
    }

    /**
     * The recipients new backups are encrypted to; empty when encryption is off.
     *
     * @throws BackupFailedException naming the setting when a recipient is not a valid age recipient
     */
    public Optional<List<AgeRecipient>> recipients() {
        Optional<String> text = config.encryptionRecipient().filter(value -> !value.isBlank());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(AgeRecipient.parseList(text.get()));
        } catch (IllegalArgumentException e) {
            throw new BackupFailedException(RECIPIENT_SETTING + ": " + e.getMessage());
        }
    }

    /**
     * The configured identities; empty when none is configured.
     *
     * @throws BackupFailedException naming the setting when an identity is invalid or the file cannot be read
     */
    public List<AgeIdentity> identities() {
        List<AgeIdentity> out = new ArrayList<>();
        Optional<String> inline = config.encryptionIdentity().filter(value -> !value.isBlank());
        if (inline.isPresent()) {
            try {
                out.addAll(AgeIdentity.parseAll(inline.get().replace(',', '\n')));
            } catch (IllegalArgumentException e) {
                throw new BackupFailedException(IDENTITY_SETTING + ": " + e.getMessage());
            }
        }
        Optional<String> file = config.encryptionIdentityFile().filter(value -> !value.isBlank());
        if (file.isPresent()) {
            String text;
            try {
                text = Files.readString(Path.of(file.get().strip()));
            } catch (IOException | RuntimeException e) {
                throw new BackupFailedException(IDENTITY_FILE_SETTING + ": cannot read " + file.get().strip() + ": "
                        + e.getMessage());
            }
            try {
                out.addAll(AgeIdentity.parseAll(text));
            } catch (IllegalArgumentException e) {
                throw new BackupFailedException(
                        IDENTITY_FILE_SETTING + ": " + file.get().strip() + " " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** Checks both settings; a bad value stops start-up or a command with a message that names the setting. */
    public void validateSettings() {
        recipients();
        identities();
    }

    /** What the manifest records for objects encrypted to these recipients. */
    static BackupManifest.Encryption describe(List<AgeRecipient> recipients) {
        return new BackupManifest.Encryption(BackupManifest.Encryption.AGE,
                recipients.stream().map(AgeRecipient::fingerprint).toList());
    }

    /** Wraps the stored stream so that what is written to the result reaches it encrypted. */
    static OutputStream encrypt(OutputStream stored, List<AgeRecipient> recipients) throws IOException {
        return new AgeEncryptingOutputStream(stored, recipients);
    }

    /**
     * The identities that decrypt a backup, checked before anything reads it.
     *
     * @throws BackupFailedException when the backup is encrypted in an unknown format, no identity is configured, or
     *         none of the configured ones is among its recipients
     */
    List<AgeIdentity> identitiesFor(String id, BackupManifest.Encryption encryption) {
        if (!BackupManifest.Encryption.AGE.equals(encryption.format())) {
            throw new BackupFailedException("backup " + id + " is encrypted as '" + encryption.format()
                    + "', which this cpdb cannot decrypt; nothing was run, the target was not changed");
        }
        // The manifest comes from the store: a missing list is treated as "unknown recipients", not trusted.
        // Shown in messages and logs, so only in the form cpdb writes (16 hex digits).
        List<String> recipients = encryption.recipients() == null ? List.of()
                : encryption.recipients().stream()
                        .map(value -> value != null && value.matches("[0-9a-f]{16}") ? value : "(malformed)")
                        .toList();
        List<AgeIdentity> identities = identities();
        if (identities.isEmpty()) {
            throw new BackupFailedException("backup " + id + " is encrypted (age, recipient "
                    + String.join(", ", recipients) + ") and no identity is configured: set "
                    + IDENTITY_SETTING + " or " + IDENTITY_FILE_SETTING
                    + " to its AGE-SECRET-KEY-1 key; nothing was run, the target was not changed");
        }
        boolean known = identities.stream()
                .anyMatch(identity -> recipients.contains(identity.recipient().fingerprint()));
        if (!recipients.isEmpty() && !known) {
            throw new BackupFailedException("backup " + id + " is encrypted to recipient "
                    + String.join(", ", recipients) + " and none of the configured identities matches ("
                    + String.join(", ", identities.stream().map(i -> i.recipient().fingerprint()).toList())
                    + "); nothing was run, the target was not changed");
        }
        return identities;
    }

    /** Decrypts a stored stream; reading the header here already checks it. */
    static InputStream decrypt(InputStream stored, List<AgeIdentity> identities) throws IOException {
        return new AgeDecryptingInputStream(stored, identities);
    }
}
