package dev.cpdb.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses {@code --name value}, {@code --name=value}, {@code --flag} and positional arguments of one command against
 * the options it declares; anything else is a {@link UsageException} naming the problem.
 */
public final class CommandArguments {

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, List<String>> repeated = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private CommandArguments() {
    }

    /**
     * @param args the arguments after the command's name
     * @param valued options that take a value, without dashes
     * @param flags options without a value
     */
    public static CommandArguments parse(List<String> args, Set<String> valued, Set<String> flags) {
        return parse(args, valued, flags, Set.of());
    }

    /**
     * Like {@link #parse(List, Set, Set)}, with options that take a value and may be given several times.
     *
     * @param repeatable such options, without dashes; read them with {@link #values(String)}
     */
    public static CommandArguments parse(List<String> args, Set<String> valued, Set<String> flags,
            Set<String> repeatable) {
        CommandArguments parsed = new CommandArguments();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                parsed.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                parsed.values.put(name, "true");
            } else if (valued.contains(name) || repeatable.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                if (repeatable.contains(name)) {
                    parsed.repeated.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
                } else if (parsed.values.put(name, value) != null) {
                    throw new UsageException("--" + name + " is given twice");
                }
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return parsed;
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Every value of a repeatable option, in the order given. */
    public List<String> values(String name) {
        return List.copyOf(repeated.getOrDefault(name, List.of()));
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public List<String> positional() {
        return List.copyOf(positional);
    }

    /** Requires exactly {@code count} positional arguments, described by {@code what} in the error. */
    public List<String> positional(int count, String what) {
        if (positional.size() != count) {
            throw new UsageException(count == 0 ? "unexpected argument '" + positional.get(0) + "'"
                    : "expected " + what + (positional.isEmpty() ? "" : ", got " + String.join(" ", positional)));
        }
        return List.copyOf(positional);
    }
}
