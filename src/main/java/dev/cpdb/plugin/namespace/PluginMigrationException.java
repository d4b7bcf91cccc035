package dev.cpdb.plugin.namespace;

/**
 * A plugin could not be brought up to date; the message is the one-line reason recorded as the plugin's last error
 * and names the migration file when one is at fault.
 */
public class PluginMigrationException extends Exception {

    public PluginMigrationException(String message) {
        super(message);
    }
}
