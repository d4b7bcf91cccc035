package dev.cpdb.database.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Exit code and output of a finished helper program (initdb, pg_ctl).
 */
record ProcessResult(int exitCode, String output) {

    /** Runs the command to completion, killing it when it outlives {@code timeout}. */
    static ProcessResult run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new ProcessResult(-1, "timed out after " + timeout.toSeconds() + " s");
            }
            return new ProcessResult(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("interrupted while running " + command.get(0), e);
        }
    }

    /** The last {@code count} non-empty lines of the output, joined with " | ". */
    String lastLines(int count) {
        List<String> lines = Arrays.stream(output.split("\n")).filter(line -> !line.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    /** The last lines of a log file, for start-up failure messages. */
    static String tail(Path file, int count) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, raf.length() - 4096);
            byte[] bytes = new byte[(int) (raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            return new ProcessResult(0, new String(bytes, StandardCharsets.UTF_8)).lastLines(count);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
