package dev.cpdb.plugin.folder;

import java.util.List;

/**
 * A plugin folder that passed every check: its manifest and its migrations in ascending version order.
 *
 * @param folderName the folder's name below the plugins folder
 * @param manifest the parsed manifest
 * @param migrations the migration files, oldest first
 */
public record PluginDefinition(String folderName, PluginManifest manifest, List<PluginMigrationFile> migrations) {

    public PluginDefinition {
        migrations = List.copyOf(migrations);
    }

    /** The plugin key. */
    public String key() {
        return manifest.key();
    }
}
