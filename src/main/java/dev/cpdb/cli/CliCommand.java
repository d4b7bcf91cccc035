package dev.cpdb.cli;

import java.util.List;

/**
 * A one-off command of the jar ({@code java -jar quarkus-run.jar <name> [args]}). Implementations are CDI beans in
 * their feature's package; {@link CommandLine} finds them by name.
 *
 * <p>
 * Commands run on the main thread after start-up, with the database paths prepared but no HTTP port open and no
 * migrations run: a command that needs migrations applies them itself.
 */
public interface CliCommand {

    /** The words that select the command, e.g. {@code "migrate"} or {@code "plugins migrate"}. */
    String name();

    /** Arguments and a one-line description, e.g. {@code "[key]  apply pending plugin migrations"}. */
    String usage();

    /** Whether the command needs the configured database paths (almost all do). */
    default boolean needsDatabase() {
        return true;
    }

    /**
     * Whether this particular invocation needs them; a command may decide from its arguments. Arguments that
     * {@link #check} refuses need nothing: {@link #run} reports them before anything starts, the database included.
     */
    default boolean needsDatabase(List<String> args) {
        if (CommandLine.asksForHelp(args)) {
            return false;
        }
        try {
            check(args);
        } catch (UsageException e) {
            return false;
        }
        return needsDatabase();
    }

    /**
     * Checks what can be checked of the arguments without the database (options, numbers, ids, paths); {@link #run}
     * checks them again.
     *
     * @throws UsageException naming the wrong argument
     */
    default void check(List<String> args) {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after the command's name
     * @return the exit status: 0 on success
     * @throws UsageException for wrong arguments (exit status 2, usage printed)
     */
    int run(List<String> args) throws Exception;
}
