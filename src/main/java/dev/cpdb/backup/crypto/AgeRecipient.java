package dev.cpdb.backup.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * An age X25519 recipient ({@code age1…}): a public key that backups are encrypted to. Holding it lets a writer
 * encrypt but not decrypt, which is why the service that writes backups needs no secret.
 */
public final class AgeRecipient {

    private static final String HRP = "age";

    private final byte[] publicKey;

    AgeRecipient(byte[] publicKey) {
        this.publicKey = publicKey.clone();
    }

    /**
     * Parses one recipient.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static AgeRecipient parse(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("age1")) {
            throw new IllegalArgumentException("an age recipient starts with age1 (as age-keygen prints it)");
        }
        Bech32.Decoded decoded;
        try {
            decoded = Bech32.decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid age recipient: " + e.getMessage());
        }
        if (!decoded.hrp().equals(HRP) || decoded.data().length != 32) {
            throw new IllegalArgumentException("not an age X25519 recipient (age1 followed by a 32-byte key)");
        }
        return new AgeRecipient(decoded.data());
    }

    /**
     * Parses a list separated by commas or white space.
     *
     * @throws IllegalArgumentException naming the position of the bad one
     */
    public static List<AgeRecipient> parseList(String text) {
        List<AgeRecipient> out = new ArrayList<>();
        for (String part : text.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(parse(part));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("recipient " + (out.size() + 1) + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no recipient given");
        }
        return List.copyOf(out);
    }

    /** The raw 32-byte X25519 public key. */
    byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * A short name for the key that can be written in a manifest: the first 16 hex digits of the SHA-256 of the
     * public key. It lets a restore say which key it needs.
     */
    public String fingerprint() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(publicKey);
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code age1…} form. */
    @Override
    public String toString() {
        return Bech32.encode(HRP, publicKey);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AgeRecipient that && Arrays.equals(publicKey, that.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }
}
