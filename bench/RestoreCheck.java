import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.RestoreEngine;

/**
 * Times the checking pass of a restore on its own, the way cpdb runs it before the first statement: read the data
 * object, SHA-256 it, decompress it and check every statement against the script grammar. Nothing is connected.
 *
 * <p>
 * Usage: {@code java -cp 'target/quarkus-app/app/*:target/quarkus-app/lib/main/*:CLASSES' RestoreCheck DATA_FILE
 * COMPRESSION ROUNDS}; prints each round's seconds, then the median and the spread (max - min).
 */
public final class RestoreCheck {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Compression compression = Compression.parse(args[1]);
        int rounds = Integer.parseInt(args[2]);
        double[] seconds = new double[rounds];
        String sha256 = null;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream raw = Files.newInputStream(data)) {
                DigestInputStream digested = new DigestInputStream(raw, digest);
                InputStream script = new BufferedInputStream(
                        compression.decompress(new BufferedInputStream(digested, 1 << 18)), 1 << 18);
                RestoreEngine.check(script, true);
                digested.transferTo(OutputStream.nullOutputStream());
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
            seconds[round] = (System.nanoTime() - start) / 1e9;
            System.out.printf("round %d: %.2f s%n", round + 1, seconds[round]);
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        System.out.printf("check pass: median %.2f s, spread %.2f s over %d rounds (%d MB stored, sha256 %s...)%n",
                sorted[(rounds - 1) / 2], sorted[rounds - 1] - sorted[0], rounds, Files.size(data) >> 20,
                sha256.substring(0, 12));
    }
}
