package dev.cpdb.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.cpdb.InstanceDirectory;
import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.cli.CommandLine;
import io.quarkus.runtime.StartupEvent;

/**
 * The AES-256 master key that encrypts company secrets: {@code CPDB_SECRETS_MASTER_KEY}, else the file named by
 * {@code CPDB_SECRETS_MASTER_KEY_FILE}, else {@code secrets-master.key} in the instance folder, created with mode 0600
 * on first use.
 *
 * <p>
 * A configured key is checked at start-up so that a wrong one stops the service; the instance file is only created
 * when a secret is first stored or read. The key never reaches the database or the log: versions record only its
 * {@link #fingerprint()}. Off the embedded default a key must be configured ({@link #refuseInstanceFile()}), and the
 * database remembers which key its secrets use ({@link MasterKeyRecord}).
 */
@ApplicationScoped
public class MasterKey {

    /** Name of the generated key file in the instance folder. */
    public static final String FILE_NAME = "secrets-master.key";

    private static final int KEY_BYTES = 32;
    private static final Logger LOG = Logger.getLogger(MasterKey.class);

    private final SecretsConfig config;
    private final InstanceDirectory instance;
    private volatile Loaded loaded;
    private volatile boolean mayUseInstanceFile = true;

    public MasterKey(SecretsConfig config, InstanceDirectory instance) {
        this.config = config;
        this.instance = instance;
    }

    /** A loaded key and its fingerprint. */
    record Loaded(SecretKey key, String fingerprint) {
    }

    void checkConfiguredKey(@Observes StartupEvent event) {
        if (!CommandLine.commandMode() && (present(config.masterKey()) || present(config.masterKeyFile()))) {
            load();
        }
    }

    /** Whether a key is configured ({@code CPDB_SECRETS_MASTER_KEY} or {@code CPDB_SECRETS_MASTER_KEY_FILE}). */
    public boolean configured() {
        return present(config.masterKey()) || present(config.masterKeyFile());
    }

    /**
     * Forbids the generated instance key file, off the embedded default: there the instance folder is a pod's
     * disk, so a generated key would differ between replicas and vanish with the pod. {@link #key()} then fails
     * naming the settings instead of generating one.
     */
    public void refuseInstanceFile() {
        mayUseInstanceFile = false;
    }

    /** The message that names the settings when no key is configured off the embedded default. */
    public String missingKeyMessage() {
        Path file = instance.path().resolve(FILE_NAME);
        return "cpdb runs on an external database, so the secrets master key must be configured: set "
                + "CPDB_SECRETS_MASTER_KEY (32 bytes as base64, e.g. `openssl rand -base64 32`) or "
                + "CPDB_SECRETS_MASTER_KEY_FILE, the same on every replica; a key generated into the instance "
                + "folder would differ between replicas and be lost with it"
                + (Files.exists(file) ? " (this instance folder holds one generated earlier: set "
                        + "CPDB_SECRETS_MASTER_KEY_FILE=" + file + " to keep using it)" : "");
    }

    /** The key, loaded (or created) on first use. */
    public SecretKey key() {
        return load().key();
    }

    /** First 8 bytes of a SHA-256 over the key, in hex: tells which key encrypted a value without revealing it. */
    public String fingerprint() {
        return load().fingerprint();
    }

    private Loaded load() {
        Loaded current = loaded;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (loaded == null) {
                byte[] bytes = resolve();
                loaded = new Loaded(new SecretKeySpec(bytes, "AES"), fingerprintOf(bytes));
            }
            return loaded;
        }
    }

    private byte[] resolve() {
        if (present(config.masterKey())) {
            return parse(config.masterKey().get(), "CPDB_SECRETS_MASTER_KEY (cpdb.secrets.master-key)");
        }
        if (present(config.masterKeyFile())) {
            Path file = Path.of(config.masterKeyFile().get().strip());
            return parse(read(file, "CPDB_SECRETS_MASTER_KEY_FILE (cpdb.secrets.master-key-file)"),
                    "the key file " + file + " named by CPDB_SECRETS_MASTER_KEY_FILE");
        }
        if (!mayUseInstanceFile) {
            throw new InvalidConfigurationException(missingKeyMessage());
        }
        Path file = instance.path().resolve(FILE_NAME);
        if (Files.exists(file)) {
            return parse(read(file, "the secrets key file"), "the secrets key file " + file);
        }
        return create(file);
    }

    /**
     * Reads a key written as 64 hex digits, as base64 of 32 bytes (standard or URL alphabet), or as a raw string of 32
     * single-byte characters; surrounding whitespace is ignored.
     *
     * @param source where the text came from, for the error message
     * @throws InvalidConfigurationException naming {@code source} and the accepted forms
     */
    static byte[] parse(String text, String source) {
        String value = text.strip();
        if (value.length() == 2 * KEY_BYTES && value.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return HexFormat.of().parseHex(value);
        }
        Optional<byte[]> decoded = base64(value);
        if (decoded.isPresent() && decoded.get().length == KEY_BYTES) {
            return decoded.get();
        }
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        if (raw.length == KEY_BYTES) {
            return raw;
        }
        throw new InvalidConfigurationException(source + " is not a 32-byte key; give 32 bytes as base64 (e.g. "
                + "`openssl rand -base64 32`), as 64 hex digits, or as a raw 32-character string");
    }

    private static Optional<byte[]> base64(String value) {
        for (Base64.Decoder decoder : new Base64.Decoder[] { Base64.getDecoder(), Base64.getUrlDecoder() }) {
            try {
                return Optional.of(decoder.decode(value));
            } catch (IllegalArgumentException e) {
                // try the other alphabet
            }
        }
        return Optional.empty();
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] create(Path file) {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try {
            Files.createDirectories(file.getParent());
            Path staging = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(staging, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
            try {
                // A hard link appears atomically and never replaces: when another process created the file first,
                // its key wins (a rename would silently overwrite it).
                Files.createLink(file, staging);
            } catch (FileAlreadyExistsException e) {
                return parse(read(file, "the secrets key file"), "the secrets key file " + file);
            } finally {
                Files.deleteIfExists(staging);
            }
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot create the secrets key file " + file + ": "
                    + e.getMessage() + "; set CPDB_SECRETS_MASTER_KEY or CPDB_SECRETS_MASTER_KEY_FILE", e);
        }
        LOG.warnf("created a new secrets master key in %s (mode 0600); back it up: secrets cannot be read without it."
                + " Replicas sharing a database need the same key: set CPDB_SECRETS_MASTER_KEY", file);
        return key;
    }

    static String fingerprintOf(byte[] key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("cpdb secrets master key".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest.digest(key), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean present(Optional<String> value) {
        return value.filter(text -> !text.isBlank()).isPresent();
    }
}
