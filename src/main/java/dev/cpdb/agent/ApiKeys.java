package dev.cpdb.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Agent API keys: {@code cpdb_ak_} followed by 32 random bytes in base64url. Only the SHA-256 of a key is stored; with
 * 256 bits of entropy a plain (unsalted) digest cannot be reversed by guessing, and it lets a presented key be found
 * with one index lookup.
 */
final class ApiKeys {

    /** Start of every agent key; other bearer tokens are not looked up. */
    static final String PREFIX = "cpdb_ak_";

    /** Characters of a key kept as its visible prefix. */
    static final int VISIBLE = PREFIX.length() + 6;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_LENGTH = PREFIX.length() + 43;

    private ApiKeys() {
    }

    static String generate() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Whether a bearer token can be an agent key at all (cheap check before any database lookup). */
    static boolean plausible(String token) {
        return token.length() == KEY_LENGTH && token.startsWith(PREFIX);
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
