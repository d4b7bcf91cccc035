package dev.cpdb.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.cpdb.cli.CliCommand;

/**
 * Runs a {@link CliCommand} bean in the test JVM and captures what it prints, for commands whose logic needs the
 * running service's beans (the packaged-jar tests cover the command-line plumbing itself).
 */
public final class CommandOutput {

    private CommandOutput() {
    }

    /** Exit status and standard output of one run. */
    public record Run(int status, String out) {
    }

    public static synchronized Run run(CliCommand command, String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int status = command.run(List.of(args));
            return new Run(status, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }
}
