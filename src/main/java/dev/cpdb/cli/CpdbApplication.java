package dev.cpdb.cli;

import java.util.List;
import java.util.Optional;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/**
 * Runs after start-up: waits for shutdown in server mode, or runs the named command and returns its exit status.
 */
public class CpdbApplication implements QuarkusApplication {

    /** Exit status for wrong command-line usage. */
    static final int USAGE = 2;

    @Override
    public int run(String... args) {
        if (!CommandLine.commandMode()) {
            Quarkus.waitForExit();
            return 0;
        }
        CommandLine commandLine = Arc.container().instance(CommandLine.class).get();
        List<String> arguments = CommandLine.arguments();
        if (arguments.get(0).equals("help") || arguments.get(0).equals("--help") || arguments.get(0).equals("-h")) {
            System.out.print(commandLine.usage());
            return 0;
        }
        Optional<CliCommand> command = commandLine.find(arguments);
        if (command.isEmpty()) {
            System.err.println("cpdb: unknown command '" + String.join(" ", arguments) + "'\n");
            System.err.print(commandLine.usage());
            return USAGE;
        }
        List<String> rest = CommandLine.rest(command.get(), arguments);
        if (CommandLine.asksForHelp(rest)) {
            System.out.println("usage: " + command.get().name() + "  " + command.get().usage());
            return 0;
        }
        try {
            return command.get().run(rest);
        } catch (UsageException e) {
            System.err.println("cpdb " + command.get().name() + ": " + e.getMessage());
            System.err.println("usage: " + command.get().name() + "  " + command.get().usage());
            return USAGE;
        } catch (Exception e) {
            System.err.println("cpdb " + command.get().name() + ": " + CpdbMain.reason(e));
            return 1;
        }
    }
}
