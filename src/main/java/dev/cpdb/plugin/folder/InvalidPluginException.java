package dev.cpdb.plugin.folder;

/**
 * A plugin folder that cannot be used: its manifest, a path or a migration file breaks the folder rules. The message
 * says what to fix, names files relative to the plugin folder, and never carries a stack trace to operators.
 */
public class InvalidPluginException extends Exception {

    public InvalidPluginException(String message) {
        super(message);
    }
}
