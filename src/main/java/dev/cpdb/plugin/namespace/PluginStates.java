package dev.cpdb.plugin.namespace;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cpdb.plugin.folder.PluginCatalog;
import dev.cpdb.plugin.folder.PluginDefinition;
import dev.cpdb.plugin.folder.PluginMigrationFile;
import dev.cpdb.plugin.folder.RejectedPlugin;

/**
 * Combines the plugin folder with the registry into {@link PluginState}s. A history that the next run would refuse
 * (an applied file changed or gone) already shows as {@code migration_failed} with that reason.
 */
final class PluginStates {

    private PluginStates() {
    }

    static List<PluginState> of(PluginCatalog catalog, Map<String, RegisteredNamespace> registered,
            Map<String, List<RecordedMigration>> recorded, Map<String, String> assigned, boolean detailed) {
        List<PluginState> states = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (PluginDefinition plugin : catalog.plugins()) {
            seen.add(plugin.key());
            states.add(usable(plugin, registered.get(plugin.key()), recorded.getOrDefault(plugin.key(), List.of()),
                    assigned.get(plugin.key()), detailed));
        }
        for (RejectedPlugin folder : catalog.rejected()) {
            RegisteredNamespace namespace = folder.key() == null ? null : registered.get(folder.key());
            if (folder.key() != null) {
                seen.add(folder.key());
            }
            states.add(new PluginState(folder.key(), folder.folderName(), null, PluginState.INVALID,
                    namespace == null ? null : namespace.namespace(), namespace == null ? null : namespace.role(),
                    namespace == null ? null : namespace.isolation().value(),
                    appliedCount(recorded.getOrDefault(folder.key(), List.of())), 0, List.of(), folder.reason(),
                    null, null));
        }
        registered.values().stream()
                .filter(namespace -> !seen.contains(namespace.key()))
                .forEach(namespace -> states.add(new PluginState(namespace.key(), null, namespace.pluginVersion(),
                        PluginState.REMOVED, namespace.namespace(), namespace.role(), namespace.isolation().value(),
                        appliedCount(recorded.getOrDefault(namespace.key(), List.of())), 0, List.of(),
                        namespace.lastError(), null, null)));
        states.sort(Comparator.comparing((PluginState state) -> state.key() == null ? "" : state.key())
                .thenComparing(state -> state.folder() == null ? "" : state.folder()));
        return states;
    }

    private static PluginState usable(PluginDefinition plugin, RegisteredNamespace namespace,
            List<RecordedMigration> recorded, String assigned, boolean detailed) {
        Set<Integer> applied = new HashSet<>();
        recorded.stream().filter(RecordedMigration::applied).forEach(migration -> applied.add(migration.version()));
        List<String> pendingFiles = plugin.migrations().stream()
                .filter(file -> !applied.contains(file.version()))
                .map(PluginMigrationFile::fileName)
                .toList();
        String refusal = null;
        try {
            PluginMigrator.pending(plugin, recorded);
        } catch (PluginMigrationException e) {
            refusal = e.getMessage();
        }
        String status;
        String lastError = namespace == null ? null : namespace.lastError();
        if (refusal != null) {
            status = PluginState.MIGRATION_FAILED;
            lastError = refusal;
        } else if (namespace != null && RegisteredNamespace.MIGRATION_FAILED.equals(namespace.status())) {
            status = PluginState.MIGRATION_FAILED;
        } else if (namespace == null || !pendingFiles.isEmpty()) {
            status = PluginState.PENDING;
        } else {
            status = PluginState.ACTIVE;
        }
        return new PluginState(plugin.key(), plugin.folderName(), plugin.manifest().version(), status,
                namespace == null ? assigned : namespace.namespace(), namespace == null ? null : namespace.role(),
                namespace == null ? null : namespace.isolation().value(), appliedCount(recorded), pendingFiles.size(),
                pendingFiles, lastError, detailed ? migrations(plugin, recorded) : null, null);
    }

    private static List<PluginState.Migration> migrations(PluginDefinition plugin, List<RecordedMigration> recorded) {
        Map<Integer, RecordedMigration> byVersion = new HashMap<>();
        recorded.forEach(migration -> byVersion.put(migration.version(), migration));
        List<PluginState.Migration> migrations = new ArrayList<>();
        Set<Integer> files = new HashSet<>();
        for (PluginMigrationFile file : plugin.migrations()) {
            files.add(file.version());
            RecordedMigration migration = byVersion.get(file.version());
            migrations.add(migration == null
                    ? new PluginState.Migration(file.migrationKey(), file.fileName(), "pending", file.checksum(), null,
                            null, null, null)
                    : recordedView(migration, migration.status()));
        }
        for (RecordedMigration migration : recorded) {
            if (!files.contains(migration.version())) {
                migrations.add(recordedView(migration, migration.applied() ? "missing" : migration.status()));
            }
        }
        migrations.sort(Comparator.comparingInt(migration -> Integer.parseInt(migration.migration().substring(1))));
        return migrations;
    }

    private static PluginState.Migration recordedView(RecordedMigration migration, String status) {
        return new PluginState.Migration("V" + migration.version(), migration.fileName(), status,
                migration.checksum(), migration.pluginVersion(), iso(migration.startedAt()),
                iso(migration.appliedAt()), migration.errorMessage());
    }

    private static String iso(OffsetDateTime time) {
        return time == null ? null : time.toInstant().toString();
    }

    private static int appliedCount(List<RecordedMigration> recorded) {
        return (int) recorded.stream().filter(RecordedMigration::applied).count();
    }
}
