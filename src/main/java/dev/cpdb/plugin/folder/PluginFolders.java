package dev.cpdb.plugin.folder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the plugins folder: one sub-folder per plugin, each with a {@code plugin.json} and a folder of
 * {@code V<n>__<name>.sql} migrations.
 *
 * <p>
 * Every path is checked after resolving symbolic links: a plugin folder must stay inside the plugins folder, and its
 * manifest, migrations folder and migration files inside the plugin folder. Links that stay inside are fine (a
 * Kubernetes ConfigMap volume is made of them); links that leave are refused. Names starting with {@code .} are
 * skipped, which also skips the {@code ..data} bookkeeping entries of ConfigMap volumes. A bad folder is rejected
 * with a reason and never stops the others from loading.
 *
 * <p>
 * Blocking (file I/O): call it from start-up code, commands or worker threads.
 */
public final class PluginFolders {

    /** Migration file names: {@code V} + version 1..999999999 + {@code __} + a name. */
    public static final Pattern MIGRATION_NAME = Pattern.compile("V([0-9]{1,9})__([A-Za-z0-9_-]+)\\.sql");

    static final long MAX_MANIFEST_BYTES = 64 * 1024;
    static final long MAX_MIGRATION_BYTES = 16 * 1024 * 1024;

    private PluginFolders() {
    }

    /**
     * Reads every plugin below {@code directory}. A missing folder means "no plugins"; an unreadable one is reported
     * in {@link PluginCatalog#error()}.
     */
    public static PluginCatalog scan(Path directory) {
        if (!Files.exists(directory)) {
            return new PluginCatalog(directory, null, List.of(), List.of());
        }
        if (!Files.isDirectory(directory)) {
            return new PluginCatalog(directory, directory + " is not a folder", List.of(), List.of());
        }
        List<Path> folders;
        Path root;
        try (Stream<Path> entries = Files.list(directory)) {
            root = directory.toRealPath();
            folders = entries.filter(entry -> !hidden(entry))
                    .filter(Files::isDirectory)
                    .sorted(Comparator.comparing(entry -> entry.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            return new PluginCatalog(directory, "cannot read " + directory + ": " + e.getMessage(), List.of(),
                    List.of());
        }
        Map<String, Object> byFolder = new LinkedHashMap<>();
        for (Path folder : folders) {
            byFolder.put(folder.getFileName().toString(), load(root, folder));
        }
        return rejectDuplicateKeys(directory, byFolder);
    }

    /** Loads one plugin folder: a {@link PluginDefinition} or a {@link RejectedPlugin}. */
    private static Object load(Path root, Path folder) {
        String name = folder.getFileName().toString();
        PluginManifest manifest;
        try {
            Path realFolder = folder.toRealPath();
            if (!realFolder.startsWith(root) || realFolder.equals(root)) {
                throw new InvalidPluginException("the folder is a link to a place outside the plugins folder");
            }
            manifest = PluginManifest.parse(readManifest(realFolder, folder));
        } catch (InvalidPluginException e) {
            return new RejectedPlugin(name, null, e.getMessage());
        } catch (IOException e) {
            return new RejectedPlugin(name, null, "cannot read the folder: " + e.getMessage());
        }
        try {
            return new PluginDefinition(name, manifest, readMigrations(folder.toRealPath(), folder, manifest));
        } catch (InvalidPluginException e) {
            return new RejectedPlugin(name, manifest.key(), e.getMessage());
        } catch (IOException e) {
            return new RejectedPlugin(name, manifest.key(), "cannot read the migrations: " + e.getMessage());
        }
    }

    private static byte[] readManifest(Path realFolder, Path folder) throws IOException, InvalidPluginException {
        Path manifest = folder.resolve(PluginManifest.FILE_NAME);
        if (!Files.exists(manifest)) {
            throw new InvalidPluginException("it has no " + PluginManifest.FILE_NAME
                    + (Files.isSymbolicLink(manifest) ? " (the link points nowhere)" : ""));
        }
        Path real = inside(realFolder, manifest, PluginManifest.FILE_NAME);
        if (!Files.isRegularFile(real)) {
            throw new InvalidPluginException(PluginManifest.FILE_NAME + " is not a regular file");
        }
        if (Files.size(real) > MAX_MANIFEST_BYTES) {
            throw new InvalidPluginException(PluginManifest.FILE_NAME + " is larger than " + MAX_MANIFEST_BYTES
                    + " bytes");
        }
        return Files.readAllBytes(real);
    }

    private static List<PluginMigrationFile> readMigrations(Path realFolder, Path folder, PluginManifest manifest)
            throws IOException, InvalidPluginException {
        Path migrations = folder.resolve(manifest.migrations());
        if (!Files.exists(migrations)) {
            if (manifest.migrationsDeclared() || Files.isSymbolicLink(migrations)) {
                throw new InvalidPluginException("the migrations folder '" + manifest.migrations()
                        + "' does not exist");
            }
            return List.of();
        }
        Path realMigrations = inside(realFolder, migrations, manifest.migrations());
        if (!Files.isDirectory(realMigrations)) {
            throw new InvalidPluginException("'" + manifest.migrations() + "' is not a folder");
        }
        List<Path> entries;
        try (Stream<Path> listing = Files.list(migrations)) {
            entries = listing.filter(entry -> !hidden(entry))
                    .sorted(Comparator.comparing(entry -> entry.getFileName().toString()))
                    .toList();
        }
        TreeMap<Integer, PluginMigrationFile> byVersion = new TreeMap<>();
        for (Path entry : entries) {
            String fileName = entry.getFileName().toString();
            String shown = manifest.migrations() + "/" + fileName;
            Matcher matcher = MIGRATION_NAME.matcher(fileName);
            if (!matcher.matches()) {
                if (fileName.toLowerCase(Locale.ROOT).endsWith(".sql")) {
                    throw new InvalidPluginException("'" + PluginManifest.printable(shown) + "' is not named "
                            + "V<n>__<name>.sql (n from 1, name of ASCII letters, digits, '_' or '-')");
                }
                continue;
            }
            int version = Integer.parseInt(matcher.group(1));
            if (version < 1) {
                throw new InvalidPluginException("'" + shown + "': versions start at 1");
            }
            PluginMigrationFile file = PluginMigrationFile.of(version, fileName, readMigration(realFolder, entry,
                    shown));
            PluginMigrationFile previous = byVersion.put(version, file);
            if (previous != null) {
                throw new InvalidPluginException("version " + version + " is defined twice, by '"
                        + previous.fileName() + "' and '" + fileName + "'");
            }
        }
        return new ArrayList<>(byVersion.values());
    }

    private static byte[] readMigration(Path realFolder, Path entry, String shown)
            throws IOException, InvalidPluginException {
        if (!Files.exists(entry)) {
            throw new InvalidPluginException("'" + shown + "' is a link that points nowhere");
        }
        Path real = inside(realFolder, entry, shown);
        if (!Files.isRegularFile(real)) {
            throw new InvalidPluginException("'" + shown + "' is not a regular file");
        }
        if (Files.size(real) > MAX_MIGRATION_BYTES) {
            throw new InvalidPluginException("'" + shown + "' is larger than " + MAX_MIGRATION_BYTES + " bytes");
        }
        byte[] content = Files.readAllBytes(real);
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content));
        } catch (CharacterCodingException e) {
            throw new InvalidPluginException("'" + shown + "' is not valid UTF-8");
        }
        for (byte b : content) {
            if (b == 0) {
                throw new InvalidPluginException("'" + shown + "' contains a NUL byte");
            }
        }
        return content;
    }

    /** Resolves links and refuses anything that ends up outside the plugin folder. */
    private static Path inside(Path realFolder, Path path, String shown) throws IOException, InvalidPluginException {
        Path real = path.toRealPath();
        if (!real.startsWith(realFolder)) {
            throw new InvalidPluginException("'" + PluginManifest.printable(shown) + "' is a link to a place outside "
                    + "the plugin folder");
        }
        return real;
    }

    private static boolean hidden(Path entry) {
        return entry.getFileName().toString().startsWith(".");
    }

    /**
     * Two folders declaring one key cannot both be that plugin, and cpdb cannot know which one is meant: all of them
     * are rejected until the duplicate is removed.
     */
    private static PluginCatalog rejectDuplicateKeys(Path directory, Map<String, Object> byFolder) {
        Map<String, List<String>> foldersByKey = new HashMap<>();
        byFolder.forEach((folder, loaded) -> {
            String key = loaded instanceof PluginDefinition plugin ? plugin.key() : ((RejectedPlugin) loaded).key();
            if (key != null) {
                foldersByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(folder);
            }
        });
        List<PluginDefinition> plugins = new ArrayList<>();
        List<RejectedPlugin> rejected = new ArrayList<>();
        byFolder.forEach((folder, loaded) -> {
            String key = loaded instanceof PluginDefinition plugin ? plugin.key() : ((RejectedPlugin) loaded).key();
            List<String> sharing = key == null ? List.of() : foldersByKey.get(key);
            if (sharing.size() > 1) {
                rejected.add(new RejectedPlugin(folder, key, "the key '" + key + "' is declared by the folders "
                        + String.join(", ", sharing) + "; keep only one of them"));
            } else if (loaded instanceof PluginDefinition plugin) {
                plugins.add(plugin);
            } else {
                rejected.add((RejectedPlugin) loaded);
            }
        });
        plugins.sort(Comparator.comparing(PluginDefinition::key));
        List<PluginDefinition> usable = rejectSharedVariables(plugins, rejected);
        return new PluginCatalog(directory, null, usable, rejected);
    }

    /**
     * A plugin setting can be set by an environment variable whose name folds case and turns every other character
     * than a letter or digit into {@code _}, so two plugins can declare settings with one variable ({@code a.b} and
     * {@code A_B}, or {@code a}'s {@code b_c} and {@code a_b}'s {@code c}). One value would then reach both: all of
     * them are rejected until one is renamed.
     *
     * @return the plugins that share no variable; the others are added to {@code rejected}
     */
    private static List<PluginDefinition> rejectSharedVariables(List<PluginDefinition> plugins,
            List<RejectedPlugin> rejected) {
        Map<String, List<String>> settingsByVariable = new HashMap<>();
        for (PluginDefinition plugin : plugins) {
            plugin.manifest().settings().forEach(setting -> settingsByVariable
                    .computeIfAbsent(setting.environmentVariable(), variable -> new ArrayList<>())
                    .add(setting.key()));
        }
        List<PluginDefinition> kept = new ArrayList<>();
        for (PluginDefinition plugin : plugins) {
            String shared = plugin.manifest().settings().stream()
                    .map(setting -> settingsByVariable.get(setting.environmentVariable()))
                    .filter(keys -> keys.size() > 1)
                    .map(keys -> String.join(" and ", keys))
                    .findFirst().orElse(null);
            if (shared == null) {
                kept.add(plugin);
            } else {
                rejected.add(new RejectedPlugin(plugin.folderName(), plugin.key(), "the settings " + shared
                        + " would be set by one environment variable; rename one of them"));
            }
        }
        rejected.sort(Comparator.comparing(RejectedPlugin::folderName));
        return kept;
    }
}
