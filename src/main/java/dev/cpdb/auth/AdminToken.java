package dev.cpdb.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.cpdb.InstanceDirectory;
import dev.cpdb.InvalidConfigurationException;

/**
 * The operators' bearer token: {@code CPDB_ADMIN_TOKEN}, or on the embedded default a token generated once into
 * {@code admin-token} in the instance folder (mode 0600) and printed when it is created.
 *
 * <p>
 * Only a SHA-256 digest of the token is kept in memory, and candidates are compared digest to digest in constant
 * time. The token itself is never logged, except once at creation on the embedded default.
 */
@ApplicationScoped
public class AdminToken {

    /** Shortest accepted configured token. */
    static final int MIN_LENGTH = 16;
    static final String FILE_NAME = "admin-token";

    private static final Logger LOG = Logger.getLogger(AdminToken.class);

    private final AuthConfig config;
    private final InstanceDirectory instance;
    private volatile byte[] digest;
    private volatile String source = "none";

    public AdminToken(AuthConfig config, InstanceDirectory instance) {
        this.config = config;
        this.instance = instance;
    }

    /**
     * Decides the token at start-up.
     *
     * @param mayGenerate whether a token may be generated into the instance folder (the embedded default)
     * @throws InvalidConfigurationException when the configured token is too short
     */
    public void initialize(boolean mayGenerate) {
        Optional<String> configured = config.token().map(String::strip).filter(token -> !token.isEmpty());
        if (configured.isPresent()) {
            if (configured.get().length() < MIN_LENGTH) {
                throw new InvalidConfigurationException("CPDB_ADMIN_TOKEN (cpdb.admin.token) is shorter than "
                        + MIN_LENGTH + " characters; use a long random value, e.g. `openssl rand -base64 32`");
            }
            digest = sha256(configured.get());
            source = "CPDB_ADMIN_TOKEN";
            return;
        }
        if (!mayGenerate) {
            LOG.warn("CPDB_ADMIN_TOKEN is not set: the operator API answers 401 until it is configured");
            return;
        }
        digest = sha256(readOrGenerate(instance.path().resolve(FILE_NAME)));
        source = "instance file";
    }

    /** Whether operators can authenticate at all. */
    public boolean configured() {
        return digest != null;
    }

    /** Where the token came from: {@code CPDB_ADMIN_TOKEN}, {@code instance file} or {@code none}. */
    public String source() {
        return source;
    }

    /** Constant-time check of a presented token. */
    public boolean matches(String candidate) {
        byte[] expected = digest;
        if (expected == null || candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(candidate));
    }

    private static String readOrGenerate(Path file) {
        try {
            if (Files.exists(file)) {
                String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
                if (token.length() >= MIN_LENGTH) {
                    return token;
                }
                throw new InvalidConfigurationException("the admin token file " + file + " holds less than "
                        + MIN_LENGTH + " characters; delete it to have a new token generated");
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(file.getParent());
            Path staging = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(staging, token + "\n", StandardCharsets.US_ASCII);
            Files.move(staging, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            // Printed once, at creation, so the operator of a laptop install can copy it; it stays in the file.
            LOG.infof("generated the operator token into %s (mode 0600): %s", file, token);
            return token;
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot read or create the admin token file " + file + ": "
                    + e.getMessage(), e);
        }
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
