package dev.cpdb.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What this process was started to do: serve (no arguments) or run one command and exit.
 */
public enum LaunchCommand {
    SERVER("", "run the service (default)"),
    MIGRATE("migrate", "apply pending core migrations and exit"),
    STATUS("status", "print the database status as JSON and exit"),
    HELP("help", "print this help");

    /** System property that carries the command into the application. */
    public static final String PROPERTY = "cpdb-command";

    private final String word;
    private final String description;

    LaunchCommand(String word, String description) {
        this.word = word;
        this.description = description;
    }

    /** Finds the command named by the first argument; empty arguments mean the server. */
    public static Optional<LaunchCommand> fromArguments(String... args) {
        if (args.length == 0) {
            return Optional.of(SERVER);
        }
        String first = args[0].toLowerCase(Locale.ROOT);
        if (first.equals("--help") || first.equals("-h")) {
            return Optional.of(HELP);
        }
        return Arrays.stream(values()).filter(command -> command != SERVER && command.word.equals(first)).findFirst();
    }

    /** The command recorded in the {@value #PROPERTY} system property, the server when unset. */
    public static LaunchCommand current() {
        String word = System.getProperty(PROPERTY, "");
        return Arrays.stream(values()).filter(command -> command.word.equals(word)).findFirst().orElse(SERVER);
    }

    public String word() {
        return word;
    }

    /** Usage text listing every command. */
    public static String usage() {
        StringBuilder text = new StringBuilder("usage: cpdb [command]\n\ncommands:\n");
        for (LaunchCommand command : List.of(values())) {
            String name = command == SERVER ? "(none)" : command.word;
            text.append(String.format("  %-10s %s%n", name, command.description));
        }
        text.append("\nDatabase settings come from the environment (DATABASE_URL, DATABASE_MIGRATION_URL, CPDB_*).\n");
        return text.toString();
    }
}
