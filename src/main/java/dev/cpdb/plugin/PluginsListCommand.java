package dev.cpdb.plugin;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.UsageException;
import dev.cpdb.settings.InstanceSettings;

/**
 * {@code plugins list}: prints what {@code GET /api/plugins} answers (every plugin with its state and the settings it
 * declares, with their values as stored) and exits; never migrates.
 */
@ApplicationScoped
public class PluginsListCommand implements CliCommand {

    private final PluginService plugins;
    private final InstanceSettings settings;
    private final ObjectMapper json;

    public PluginsListCommand(PluginService plugins, InstanceSettings settings, ObjectMapper json) {
        this.plugins = plugins;
        this.settings = settings;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    @Override
    public String name() {
        return "plugins list";
    }

    @Override
    public String usage() {
        return "print every plugin with its state and settings as JSON, then exit";
    }

    @Override
    public int run(List<String> args) throws Exception {
        if (!args.isEmpty()) {
            throw new UsageException("plugins list takes no arguments");
        }
        if (!settings.loaded()) {
            try {
                settings.load();
            } catch (IllegalStateException e) {
                // A database the service never started on has no stored values: plugins are listed without settings.
            }
        }
        System.out.println(json.writeValueAsString(plugins.overview()));
        return 0;
    }
}
