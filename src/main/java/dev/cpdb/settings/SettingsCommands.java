package dev.cpdb.settings;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.CommandArguments;
import dev.cpdb.cli.CommandFailedException;
import dev.cpdb.cli.UsageException;

/** {@code settings list}, {@code settings get <key>} and {@code settings set <key> <value>|--default}. */
public final class SettingsCommands {

    private SettingsCommands() {
    }

    /** What the three commands share: the settings, JSON output and the command's name. */
    abstract static class SettingsCommand implements CliCommand {

        final InstanceSettings settings;
        final ObjectMapper json;
        private final String name;
        private final String usage;

        SettingsCommand(InstanceSettings settings, ObjectMapper json, String name, String usage) {
            this.settings = settings;
            this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
            this.name = name;
            this.usage = usage;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String usage() {
            return usage;
        }
    }

    /** {@code settings list [--json]}. */
    @jakarta.inject.Singleton
    public static class ListCommand extends SettingsCommand {

        public ListCommand(InstanceSettings settings, ObjectMapper json) {
            super(settings, json, "settings list",
                    "[--json]  list the instance settings: effective value, source, range");
        }

        @Override
        public int run(List<String> args) throws Exception {
            CommandArguments options = CommandArguments.parse(args, Set.of(), Set.of("json"));
            options.positional(0, "no arguments");
            load(settings);
            if (options.flag("json")) {
                System.out.println(json.writeValueAsString(settings.views()));
                return 0;
            }
            System.out.printf("%-40s %-24s %-12s %s%n", "KEY", "VALUE", "SOURCE", "RANGE");
            for (SettingView view : settings.views()) {
                String value = view.sensitive() ? (Boolean.TRUE.equals(view.isSet()) ? "(set)" : "(not set)")
                        : view.value();
                System.out.printf("%-40s %-24s %-12s %s%n", view.key(), value, view.source(), view.range());
            }
            return 0;
        }
    }

    /** {@code settings get <key>}: prints one setting as JSON. */
    @jakarta.inject.Singleton
    public static class GetCommand extends SettingsCommand {

        public GetCommand(InstanceSettings settings, ObjectMapper json) {
            super(settings, json, "settings get", "<key>  print one instance setting as JSON");
        }

        @Override
        public int run(List<String> args) throws Exception {
            CommandArguments options = CommandArguments.parse(args, Set.of(), Set.of());
            String key = options.positional(1, "one setting key").get(0);
            load(settings);
            SettingDefinition definition = known(settings, key);
            System.out.println(json.writeValueAsString(settings.view(definition)));
            return 0;
        }
    }

    /** {@code settings set <key> <value>} or {@code settings set <key> --default}. */
    @jakarta.inject.Singleton
    public static class SetCommand extends SettingsCommand {

        public SetCommand(InstanceSettings settings, ObjectMapper json) {
            super(settings, json, "settings set",
                    "<key> <value>|--default  change an instance setting; running replicas apply it "
                            + "within seconds");
        }

        @Override
        public void check(List<String> args) {
            words(args);
        }

        @Override
        public int run(List<String> args) throws Exception {
            List<String> words = words(args);
            boolean reset = words.size() == 1;
            load(settings);
            // Plugin settings are known once the plugins folder is read, so their key is checked only here.
            SettingDefinition definition = known(settings, words.get(0));
            try {
                InstanceSettings.Change change = settings.set(definition.key(), reset ? null : words.get(1),
                        dev.cpdb.activity.Actor.system()).await().indefinitely();
                System.out.println(json.writeValueAsString(change.now()));
                return 0;
            } catch (SettingRefusedException e) {
                if (e.status() == 400) {
                    throw new UsageException(e.getMessage());
                }
                throw new CommandFailedException(e.getMessage(), e);
            }
        }

        /**
         * The key, and the value unless {@code --default}. A core setting's key must be known and its value accepted;
         * a plugin's setting is checked against its declaration once the plugins are read.
         */
        private List<String> words(List<String> args) {
            CommandArguments options = CommandArguments.parse(args, Set.of(), Set.of("default"));
            boolean reset = options.flag("default");
            List<String> words = options.positional(reset ? 1 : 2,
                    reset ? "one setting key with --default" : "a setting key and its value");
            if (words.get(0).startsWith(SettingDefinition.PLUGIN_NAMESPACE)) {
                return words;
            }
            SettingDefinition definition = known(settings, words.get(0));
            if (!reset) {
                try {
                    definition.normalize(words.get(1));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
            }
            return words;
        }
    }

    private static SettingDefinition known(InstanceSettings settings, String key) {
        return settings.definition(key).orElseThrow(() -> new UsageException("no setting is called '" + key
                + "'; settings list shows them"));
    }

    private static void load(InstanceSettings settings) {
        try {
            settings.load();
        } catch (IllegalStateException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
    }
}
