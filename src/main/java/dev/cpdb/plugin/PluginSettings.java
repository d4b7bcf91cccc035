package dev.cpdb.plugin;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.plugin.folder.PluginCatalog;
import dev.cpdb.plugin.folder.PluginDefinition;
import dev.cpdb.settings.SettingDefinition;
import dev.cpdb.settings.SettingsDeclaration;

/**
 * The settings the usable plugins declare in their {@code plugin.json}, as instance settings in each plugin's
 * namespace. Read again with the plugins folder, so a plugin added, changed or removed while the service runs is seen
 * within seconds; while the folder cannot be read, the last declarations stay.
 */
@ApplicationScoped
public class PluginSettings implements SettingsDeclaration {

    private final PluginService plugins;
    private volatile List<SettingDefinition> declared = List.of();

    public PluginSettings(PluginService plugins) {
        this.plugins = plugins;
    }

    @Override
    public List<SettingDefinition> settings() {
        return declared;
    }

    @Override
    public void reread() {
        PluginCatalog catalog = plugins.catalog();
        if (catalog.error() == null) {
            declared = catalog.plugins().stream()
                    .map(PluginDefinition::manifest)
                    .flatMap(manifest -> manifest.settings().stream())
                    .toList();
        }
    }
}
