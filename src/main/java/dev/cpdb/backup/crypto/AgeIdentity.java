package dev.cpdb.backup.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An age X25519 identity ({@code AGE-SECRET-KEY-1…}): the private key that decrypts backups. Only restores,
 * verifications and drills need it. Its text never appears in messages.
 */
public final class AgeIdentity {

    private static final String HRP = "age-secret-key-";

    private final byte[] scalar;
    private final AgeRecipient recipient;

    private AgeIdentity(byte[] scalar) {
        this.scalar = scalar.clone();
        try {
            this.recipient = new AgeRecipient(X25519.publicKey(scalar));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key is not a usable X25519 private key");
        }
    }

    /** A new random identity, as {@code age-keygen} makes one. */
    public static AgeIdentity generate() {
        byte[] scalar = new byte[32];
        new SecureRandom().nextBytes(scalar);
        return new AgeIdentity(scalar);
    }

    /**
     * Parses one identity.
     *
     * @throws IllegalArgumentException saying what is wrong, without repeating the key
     */
    public static AgeIdentity parse(String text) {
        String trimmed = text.strip();
        if (!trimmed.toUpperCase(Locale.ROOT).startsWith("AGE-SECRET-KEY-1")) {
            throw new IllegalArgumentException(
                    "an age identity starts with AGE-SECRET-KEY-1 (as age-keygen writes it)");
        }
        Bech32.Decoded decoded;
        try {
            decoded = Bech32.decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid age identity: " + e.getMessage());
        }
        if (!decoded.hrp().equals(HRP) || decoded.data().length != 32) {
            throw new IllegalArgumentException("not an age X25519 identity (a 32-byte key)");
        }
        return new AgeIdentity(decoded.data());
    }

    /**
     * Parses the text of an identity file as {@code age-keygen} writes it: one identity per line, blank lines and
     * {@code #} comments ignored.
     *
     * @throws IllegalArgumentException naming the line
     */
    public static List<AgeIdentity> parseAll(String text) {
        List<AgeIdentity> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                out.add(parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no AGE-SECRET-KEY-1 line found");
        }
        return List.copyOf(out);
    }

    /** The recipient that this identity decrypts for. */
    public AgeRecipient recipient() {
        return recipient;
    }

    /** The raw 32-byte private scalar. */
    byte[] scalar() {
        return scalar.clone();
    }

    /** The {@code AGE-SECRET-KEY-1…} form, for writing a key file. */
    public String encoded() {
        return Bech32.encode(HRP, scalar).toUpperCase(Locale.ROOT);
    }

    /** Never the key itself. */
    @Override
    public String toString() {
        return "age identity for " + recipient;
    }
}
