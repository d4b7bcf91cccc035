package dev.cpdb.cli;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * Finds the {@link CliCommand} named by the command-line arguments and renders the usage text.
 */
@ApplicationScoped
public class CommandLine {

    /** System property carrying the raw arguments of a command run (the server sets none). */
    public static final String ARGUMENTS_PROPERTY = "cpdb-command";

    private final Instance<CliCommand> commands;

    public CommandLine(Instance<CliCommand> commands) {
        this.commands = commands;
    }

    /** Whether this process runs a one-off command rather than the server. */
    public static boolean commandMode() {
        return !System.getProperty(ARGUMENTS_PROPERTY, "").isEmpty();
    }

    /** The arguments of this process's command run. */
    public static List<String> arguments() {
        String raw = System.getProperty(ARGUMENTS_PROPERTY, "");
        return raw.isEmpty() ? List.of() : List.of(raw.split("\u0000", -1));
    }

    /** Joins arguments for {@link #ARGUMENTS_PROPERTY}. */
    static String encode(String... args) {
        return String.join("\u0000", args);
    }

    /** The command whose name is the longest prefix of {@code args}. */
    public Optional<CliCommand> find(List<String> args) {
        return commands.stream()
                .filter(command -> matches(command, args))
                .max(Comparator.comparingInt(command -> words(command).size()));
    }

    /** Arguments after the command's name. */
    public static List<String> rest(CliCommand command, List<String> args) {
        return args.subList(words(command).size(), args.size());
    }

    /** Whether a command's arguments ask for its usage ({@code --help} or {@code -h}) instead of running it. */
    public static boolean asksForHelp(List<String> rest) {
        return rest.contains("--help") || rest.contains("-h");
    }

    /** Usage text listing every command. */
    public String usage() {
        StringBuilder text = new StringBuilder(
                "usage: bin/cpdb [command] [arguments]   (or: java -jar quarkus-run.jar [command] [arguments])\n\n");
        text.append(String.format("  %-28s %s%n", "(no command)", "run the service"));
        commands.stream()
                .sorted(Comparator.comparing(CliCommand::name))
                .forEach(command -> text.append(String.format("  %-28s %s%n", command.name(), command.usage())));
        text.append(String.format("  %-28s %s%n", "help", "print this help"));
        text.append("\nDatabase settings come from the environment (DATABASE_URL, DATABASE_MIGRATION_URL, CPDB_*).\n");
        return text.toString();
    }

    private static boolean matches(CliCommand command, List<String> args) {
        List<String> words = words(command);
        return args.size() >= words.size() && args.subList(0, words.size()).equals(words);
    }

    private static List<String> words(CliCommand command) {
        return Arrays.asList(command.name().split(" "));
    }
}
