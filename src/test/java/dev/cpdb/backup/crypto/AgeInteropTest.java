package dev.cpdb.backup.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cpdb.testing.AgeTool;
import dev.cpdb.testing.RequiresAge;

/**
 * cpdb's age format against Debian's {@code age}: what cpdb writes, {@code age -d} decrypts; what {@code age -r}
 * writes, cpdb decrypts; keys made by {@code age-keygen} read the same in both.
 */
@RequiresAge
class AgeInteropTest {

    private static final int CHUNK = 64 * 1024;
    private static final int[] SIZES = { 0, 1, CHUNK, CHUNK + 1, 2 * CHUNK + 300 };

    @TempDir
    Path folder;

    @Test
    void ageDecryptsWhatCpdbWrites() throws IOException {
        Path keyA = folder.resolve("a.key");
        Path keyB = folder.resolve("b.key");
        String recipientA = AgeTool.keygen(keyA);
        String recipientB = AgeTool.keygen(keyB);
        // cpdb derives the same recipient from the identity as age-keygen -y does.
        assertEquals(recipientA,
                AgeIdentity.parseAll(Files.readString(keyA)).get(0).recipient().toString());
        List<AgeRecipient> recipients = AgeRecipient.parseList(recipientA + "," + recipientB);
        for (int size : SIZES) {
            byte[] plain = AgeFormatTest.random(size);
            Path sealed = folder.resolve("cpdb-" + size + ".age");
            Files.write(sealed, AgeFormatTest.encrypt(plain, recipients));
            for (Path key : List.of(keyA, keyB)) {
                Path out = folder.resolve("out-" + size);
                AgeTool.decrypt(key, sealed, out);
                assertArrayEquals(plain, Files.readAllBytes(out), "size " + size + " with " + key.getFileName());
                Files.delete(out);
            }
        }
    }

    @Test
    void ageRefusesWhatCpdbWroteOnceAByteIsFlipped() throws IOException {
        Path key = folder.resolve("a.key");
        List<AgeRecipient> recipients = AgeRecipient.parseList(AgeTool.keygen(key));
        byte[] sealed = AgeFormatTest.encrypt(AgeFormatTest.random(CHUNK + 10), recipients);
        // The oracle's own checks see our MAC and chunk tags, so they are computed as age computes them.
        for (int at : new int[] { 30, sealed.length / 2, sealed.length - 1 }) {
            byte[] altered = sealed.clone();
            altered[at] ^= 0x40;
            Path file = folder.resolve("altered-" + at + ".age");
            Files.write(file, altered);
            assertNotEquals(0, AgeTool.tryDecrypt(key, file, folder.resolve("x-" + at)).exit(), "byte " + at);
        }
    }

    @Test
    void cpdbDecryptsWhatAgeWrites() throws IOException {
        Path keyA = folder.resolve("a.key");
        Path keyB = folder.resolve("b.key");
        String recipientA = AgeTool.keygen(keyA);
        String recipientB = AgeTool.keygen(keyB);
        List<AgeIdentity> identityB = AgeIdentity.parseAll(Files.readString(keyB));
        for (int size : SIZES) {
            byte[] plain = AgeFormatTest.random(size);
            Path source = folder.resolve("plain-" + size);
            Files.write(source, plain);
            Path sealed = folder.resolve("age-" + size + ".age");
            AgeTool.encrypt(List.of(recipientA, recipientB), source, sealed);
            assertArrayEquals(plain, AgeFormatTest.decrypt(Files.readAllBytes(sealed), identityB), "size " + size);
        }
    }
}
