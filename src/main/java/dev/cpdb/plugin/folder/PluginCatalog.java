package dev.cpdb.plugin.folder;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The result of reading the plugins folder once: the usable plugins and the rejected folders.
 *
 * @param directory the plugins folder as configured
 * @param error why the folder itself could not be read (null when it was read or simply does not exist)
 * @param plugins usable plugins, sorted by key
 * @param rejected rejected folders, sorted by folder name
 */
public record PluginCatalog(Path directory, String error, List<PluginDefinition> plugins,
        List<RejectedPlugin> rejected) {

    public PluginCatalog {
        plugins = List.copyOf(plugins);
        rejected = List.copyOf(rejected);
    }

    /** The usable plugin with this key. */
    public Optional<PluginDefinition> plugin(String key) {
        return plugins.stream().filter(plugin -> plugin.key().equals(key)).findFirst();
    }

    /** The rejected folder whose manifest declares this key. */
    public Optional<RejectedPlugin> rejected(String key) {
        return rejected.stream().filter(folder -> key.equals(folder.key())).findFirst();
    }
}
