package dev.cpdb.backup.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The age writer and reader agree with each other, and the reader refuses every alteration it can see: a flipped
 * byte anywhere, a dropped or added chunk, a wrong key, bad key text.
 */
class AgeFormatTest {

    private static final int CHUNK = 64 * 1024;

    @Test
    void roundTripsAtChunkBoundaries() throws IOException {
        AgeIdentity identity = AgeIdentity.generate();
        for (int size : new int[] { 0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17 }) {
            byte[] plain = random(size);
            byte[] sealed = encrypt(plain, List.of(identity.recipient()));
            int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
            assertTrue(sealed.length > size + chunks * 16L, "size " + size);
            assertArrayEquals(plain, decrypt(sealed, List.of(identity)), "size " + size);
        }
    }

    @Test
    void everyRecipientCanDecrypt() throws IOException {
        AgeIdentity first = AgeIdentity.generate();
        AgeIdentity second = AgeIdentity.generate();
        byte[] plain = random(100_000);
        byte[] sealed = encrypt(plain, List.of(first.recipient(), second.recipient()));
        assertArrayEquals(plain, decrypt(sealed, List.of(first)));
        assertArrayEquals(plain, decrypt(sealed, List.of(second)));
        assertArrayEquals(plain, decrypt(sealed, List.of(AgeIdentity.generate(), second)));
    }

    @Test
    void anotherKeyIsRefusedByName() throws IOException {
        byte[] sealed = encrypt(random(10), List.of(AgeIdentity.generate().recipient()));
        AgeException refused = assertThrows(AgeException.class,
                () -> decrypt(sealed, List.of(AgeIdentity.generate())));
        assertEquals("none of the configured identities is a recipient of this file", refused.getMessage());
    }

    @Test
    void everyFlippedByteIsRefused() throws IOException {
        AgeIdentity identity = AgeIdentity.generate();
        byte[] plain = random(CHUNK + 100);
        byte[] sealed = encrypt(plain, List.of(identity.recipient()));
        // Every byte of header, nonce and both chunks: none may go through unnoticed.
        for (int i = 0; i < sealed.length; i += (i < 400 ? 1 : 997)) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x01;
            int at = i;
            assertThrows(IOException.class, () -> decrypt(altered, List.of(identity)), "byte " + at);
        }
    }

    @Test
    void truncationAndExtensionAreRefused() throws IOException {
        AgeIdentity identity = AgeIdentity.generate();
        byte[] sealed = encrypt(random(2 * CHUNK + 5), List.of(identity.recipient()));
        int lastChunk = 5 + 16;
        // Dropping the whole last chunk leaves a file that ends on a full chunk not marked last.
        byte[] withoutLast = Arrays.copyOf(sealed, sealed.length - lastChunk);
        AgeException dropped = assertThrows(AgeException.class, () -> decrypt(withoutLast, List.of(identity)));
        assertTrue(dropped.getMessage().contains("fails authentication"), dropped.getMessage());
        assertThrows(AgeException.class,
                () -> decrypt(Arrays.copyOf(sealed, sealed.length - 1), List.of(identity)));
        assertThrows(AgeException.class,
                () -> decrypt(Arrays.copyOf(sealed, sealed.length + 1), List.of(identity)));
        assertThrows(AgeException.class, () -> decrypt(Arrays.copyOf(sealed, 100), List.of(identity)));
    }

    @Test
    void keysRoundTripTheirTextAndBadTextIsRefusedWithoutEchoingIt() {
        AgeIdentity identity = AgeIdentity.generate();
        assertEquals(identity.recipient(), AgeIdentity.parse(identity.encoded()).recipient());
        assertEquals(identity.recipient(), AgeRecipient.parse(identity.recipient().toString()));
        assertEquals(16, identity.recipient().fingerprint().length());

        String recipient = identity.recipient().toString();
        String typo = recipient.substring(0, 10) + (recipient.charAt(10) == 'q' ? 'p' : 'q')
                + recipient.substring(11);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> AgeRecipient.parse(typo));
        assertTrue(bad.getMessage().contains("checksum"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AgeRecipient.parse("ssh-ed25519 AAAA"));
        assertThrows(IllegalArgumentException.class, () -> AgeRecipient.parse(identity.encoded()));

        String secret = identity.encoded();
        String brokenSecret = secret.substring(0, secret.length() - 1) + (secret.endsWith("Q") ? "P" : "Q");
        IllegalArgumentException badIdentity = assertThrows(IllegalArgumentException.class,
                () -> AgeIdentity.parseAll("# created: now\n# public key: x\n\n" + brokenSecret + "\n"));
        assertTrue(badIdentity.getMessage().startsWith("line 4: "), badIdentity.getMessage());
        assertTrue(!badIdentity.getMessage().contains(brokenSecret.substring(20)), "the key is not echoed");
        assertEquals(2, AgeIdentity.parseAll("# a\n" + secret + "\n" + AgeIdentity.generate().encoded()).size());
        assertThrows(IllegalArgumentException.class, () -> AgeIdentity.parseAll("# only comments\n"));
        assertEquals(2, AgeRecipient.parseList(recipient + ", " + AgeIdentity.generate().recipient()).size());
        IllegalArgumentException secondBad = assertThrows(IllegalArgumentException.class,
                () -> AgeRecipient.parseList(recipient + " age1nope"));
        assertTrue(secondBad.getMessage().startsWith("recipient 2: "), secondBad.getMessage());
    }

    static byte[] encrypt(byte[] plain, List<AgeRecipient> recipients) throws IOException {
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (OutputStream out = new AgeEncryptingOutputStream(sealed, recipients)) {
            // Uneven writes, so chunk boundaries fall inside them.
            int at = 0;
            int step = 1;
            while (at < plain.length) {
                int n = Math.min(step, plain.length - at);
                out.write(plain, at, n);
                at += n;
                step = step * 3 + 1;
            }
        }
        return sealed.toByteArray();
    }

    static byte[] decrypt(byte[] sealed, List<AgeIdentity> identities) throws IOException {
        try (AgeDecryptingInputStream in = new AgeDecryptingInputStream(new ByteArrayInputStream(sealed),
                identities)) {
            return in.readAllBytes();
        }
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
