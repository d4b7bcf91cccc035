package dev.cpdb.plugin.folder;

/**
 * A plugin folder that was skipped, with the reason.
 *
 * @param folderName the folder's name below the plugins folder
 * @param key the key its manifest declares, when the manifest could be read that far; otherwise null
 * @param reason what is wrong and what to fix
 */
public record RejectedPlugin(String folderName, String key, String reason) {
}
