package dev.cpdb.plugin.namespace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.cpdb.plugin.folder.PluginDefinition;
import dev.cpdb.plugin.folder.PluginManifest;
import dev.cpdb.plugin.folder.PluginMigrationFile;

/**
 * Derives schema and role names for plugins: {@code plugin_<slug>}, lowercase {@code [a-z0-9_]}, at most 63 bytes
 * (PostgreSQL's identifier limit), with an 8-character hash of the key appended when the slug had to be shortened
 * or another plugin wants the same name.
 *
 * <p>
 * A name, once recorded in the registry, belongs to its key for good: later plugins that would collide with it get
 * the hashed form, and a plugin never changes namespace when other plugins come or go. Among plugins not yet
 * registered, the result depends only on the set of plugins in the folder, never on the order they are migrated in.
 */
public final class PluginNaming {

    /** Prefix of every plugin schema and role. */
    public static final String PREFIX = "plugin_";

    /** PostgreSQL's identifier limit in bytes (NAMEDATALEN - 1). */
    public static final int MAX_IDENTIFIER = 63;

    private static final int HASH_LENGTH = 8;

    private PluginNaming() {
    }

    /** The slug: the manifest's, or the key lowercased with every other character than {@code [a-z0-9]} as '_'. */
    public static String slug(PluginManifest manifest) {
        return manifest.slug().orElseGet(() -> derivedSlug(manifest.key()));
    }

    static String derivedSlug(String key) {
        String slug = key.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        // Keys start with a letter or digit, so the slug is never empty; the fallback keeps this total anyway.
        return slug.isEmpty() ? "p" : slug;
    }

    /** {@code plugin_<slug>}, or the hashed form when the slug is too long to fit. */
    public static String plainNamespace(PluginManifest manifest) {
        String slug = slug(manifest);
        String name = PREFIX + slug;
        return name.length() <= MAX_IDENTIFIER ? name : hashedNamespace(manifest);
    }

    /** {@code plugin_<slug, shortened>_<hash of the key>}: unique per key, at most 63 bytes. */
    public static String hashedNamespace(PluginManifest manifest) {
        return withHash(PREFIX + slug(manifest), hash(manifest.key()));
    }

    /**
     * The role for a namespace in one database: the namespace plus a hash of the database name and the namespace.
     * Roles are shared by every database of a server, schemas are not; the hash keeps two databases on one server
     * (production and staging, or a restore drill) from sharing a plugin role.
     */
    public static String roleName(String namespace, String database) {
        return withHash(namespace, hash(database + "\u0000" + namespace));
    }

    /**
     * Assigns a namespace to every plugin.
     *
     * @param plugins the usable plugins of the folder
     * @param registered namespaces already recorded, by plugin key
     * @param existingSchemas names of schemas that exist in the database
     * @return the namespace of each plugin, by key
     */
    public static Map<String, String> assign(List<PluginDefinition> plugins, Map<String, String> registered,
            Set<String> existingSchemas) {
        Map<String, String> assigned = new LinkedHashMap<>();
        // Every plugin of the folder competes for its plain name, registered or not, so that the outcome does not
        // depend on which plugin happened to be migrated first.
        Map<String, List<PluginDefinition>> wanting = new HashMap<>();
        for (PluginDefinition plugin : plugins) {
            wanting.computeIfAbsent(plainNamespace(plugin.manifest()), name -> new ArrayList<>()).add(plugin);
            String recorded = registered.get(plugin.key());
            if (recorded != null) {
                assigned.put(plugin.key(), recorded);
            }
        }
        Set<String> taken = new java.util.HashSet<>(registered.values());
        taken.addAll(existingSchemas);
        for (PluginDefinition plugin : plugins) {
            if (assigned.containsKey(plugin.key())) {
                continue;
            }
            String plain = plainNamespace(plugin.manifest());
            boolean contested = wanting.get(plain).size() > 1 || taken.contains(plain);
            assigned.put(plugin.key(), contested ? hashedNamespace(plugin.manifest()) : plain);
        }
        return assigned;
    }

    private static String withHash(String base, String hash) {
        int room = MAX_IDENTIFIER - HASH_LENGTH - 1;
        String shortened = base.length() <= room ? base : base.substring(0, room);
        return shortened.replaceAll("_+$", "") + "_" + hash;
    }

    private static String hash(String text) {
        return PluginMigrationFile.sha256(text.getBytes(StandardCharsets.UTF_8)).substring(0, HASH_LENGTH);
    }
}
