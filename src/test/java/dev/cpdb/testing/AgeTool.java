package dev.cpdb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code age} and {@code age-keygen}, the oracle for cpdb's encrypted backups: a reference implementation
 * that shares no code with cpdb and is what an operator restores with by hand.
 */
public final class AgeTool {

    private static final List<String> FOLDERS = List.of("/usr/bin", "/usr/local/bin");

    private AgeTool() {
    }

    /** Path of a program, when installed. */
    public static Optional<Path> find(String program) {
        for (String folder : FOLDERS) {
            Path candidate = Path.of(folder, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether age and age-keygen are installed. */
    public static boolean available() {
        return find("age").isPresent() && find("age-keygen").isPresent();
    }

    /** The message for a missing program. */
    public static String missingMessage() {
        return "age or age-keygen not found; install the Debian package age";
    }

    /** Writes a new identity file with {@code age-keygen -o} and returns its recipient ({@code age-keygen -y}). */
    public static String keygen(Path identityFile) {
        run(List.of(require("age-keygen").toString(), "-o", identityFile.toString()));
        return run(List.of(require("age-keygen").toString(), "-y", identityFile.toString())).strip();
    }

    /**
     * {@code age -d -i identityFile source > target}: standard output, since {@code age -o} writes no file for an
     * empty plaintext.
     */
    public static void decrypt(Path identityFile, Path source, Path target) {
        Result result = exec(List.of(require("age").toString(), "-d", "-i", identityFile.toString(),
                source.toString()), target);
        if (result.exit() != 0) {
            throw new IllegalStateException("age -d failed with exit " + result.exit() + ": " + result.output());
        }
    }

    /** {@code age -d}, returning the exit status and output instead of failing, for refusals. */
    public static Result tryDecrypt(Path identityFile, Path source, Path target) {
        return exec(List.of(require("age").toString(), "-d", "-i", identityFile.toString(), source.toString()),
                target);
    }

    /** {@code age -r recipient … -o target source}. */
    public static void encrypt(List<String> recipients, Path source, Path target) {
        List<String> command = new ArrayList<>(List.of(require("age").toString()));
        for (String recipient : recipients) {
            command.addAll(List.of("-r", recipient));
        }
        command.addAll(List.of("-o", target.toString(), source.toString()));
        run(command);
    }

    /** Exit status and combined output of a program. */
    public record Result(int exit, String output) {
    }

    private static Path require(String program) {
        return find(program).orElseThrow(() -> new IllegalStateException(missingMessage()));
    }

    private static String run(List<String> command) {
        Result result = exec(command, null);
        if (result.exit() != 0) {
            throw new IllegalStateException(command.get(0) + " failed with exit " + result.exit() + ": "
                    + result.output());
        }
        return result.output();
    }

    /** Runs a program; with a target, its standard output goes there and the result holds its error output. */
    private static Result exec(List<String> command, Path target) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (target == null) {
                builder.redirectErrorStream(true);
            } else {
                builder.redirectOutput(target.toFile());
            }
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = (target == null ? process.getInputStream() : process.getErrorStream()).readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
