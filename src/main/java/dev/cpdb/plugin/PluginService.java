package dev.cpdb.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.cpdb.InstanceDirectory;
import dev.cpdb.database.Database;
import dev.cpdb.migration.LockWaitPolicy;
import dev.cpdb.migration.MigrationConfig;
import dev.cpdb.plugin.folder.PluginCatalog;
import dev.cpdb.plugin.folder.PluginFolders;
import dev.cpdb.plugin.namespace.IsolationMode;
import dev.cpdb.plugin.namespace.PluginMigrator;
import dev.cpdb.plugin.namespace.PluginMigrator.PluginInspection;
import dev.cpdb.plugin.namespace.PluginRun;
import dev.cpdb.plugin.namespace.PluginState;
import dev.cpdb.settings.InstanceSettings;

/**
 * Plugin namespaces for the rest of the service: migrates them at start-up and on demand, and reports their state
 * (with the settings each plugin declares) to the status report, the plugin API and readiness.
 *
 * <p>
 * Every method reads the plugins folder again, so a changed ConfigMap is seen without a restart (migrations are only
 * applied at start-up and on demand). Blocking by design (file I/O and JDBC on the direct path): callers run it on
 * worker threads, in start-up code or in commands.
 */
@ApplicationScoped
public class PluginService {

    /** What status says while some namespace has, or would get, schema-only isolation. */
    static final String SCHEMA_ONLY_WARNING = "schema-only isolation: the database user cannot create roles "
            + "(CREATEROLE), so plugin migrations run as that user and are not kept away from core tables or other "
            + "plugins by PostgreSQL; grant CREATEROLE and run `plugins migrate` to give each plugin its own role";

    private static final Logger LOG = Logger.getLogger(PluginService.class);

    private final PluginsConfig config;
    private final InstanceDirectory instance;
    private final Database database;
    private final MigrationConfig migrationConfig;
    private final InstanceSettings settings;

    public PluginService(PluginsConfig config, InstanceDirectory instance, Database database,
            MigrationConfig migrationConfig, InstanceSettings settings) {
        this.config = config;
        this.settings = settings;
        this.migrationConfig = migrationConfig;
        this.instance = instance;
        this.database = database;
    }

    /** The plugins folder: {@code CPDB_PLUGINS_DIR}, or {@code plugins} in the instance folder. */
    public Path directory() {
        return config.dir()
                .filter(text -> !text.isBlank())
                .map(text -> Path.of(text).toAbsolutePath().normalize())
                .orElseGet(() -> instance.path().resolve("plugins"));
    }

    /** Whether readiness depends on the plugins ({@code CPDB_PLUGINS_REQUIRED}). */
    public boolean required() {
        return config.required();
    }

    /** Reads the plugins folder. */
    public PluginCatalog catalog() {
        return PluginFolders.scan(directory());
    }

    /**
     * Start-up: migrates every plugin after the core migrations. Never throws: a failing plugin is logged and
     * recorded, and the service starts anyway.
     */
    public void migrateAtStartup() {
        try {
            PluginCatalog catalog = catalog();
            if (catalog.error() != null) {
                LOG.warnf("plugins: %s; no plugin migrations at start-up", catalog.error());
                return;
            }
            List<PluginRun> runs = migrateAll(catalog);
            for (PluginRun run : runs) {
                switch (run.outcome()) {
                    case FAILED -> LOG.errorf("plugin %s: migration_failed: %s", run.key(), run.error());
                    case INVALID, BUSY -> LOG.warnf("plugin %s skipped: %s", run.key(), run.error());
                    case MIGRATED -> {
                    }
                }
            }
            if (!runs.isEmpty()) {
                long failed = runs.stream().filter(run -> !run.succeeded()).count();
                LOG.infof("plugins from %s: %d up to date, %d not", catalog.directory(), runs.size() - failed,
                        failed);
            }
        } catch (RuntimeException e) {
            LOG.error("plugin migrations at start-up failed; the service starts without them", e);
        }
    }

    /** Migrates every plugin (and re-checks roles and grants of removed ones). */
    public List<PluginRun> migrateAll() {
        return migrateAll(catalog());
    }

    private List<PluginRun> migrateAll(PluginCatalog catalog) {
        return migrator().migrateAll(catalog);
    }

    /**
     * Migrates the plugin with this key.
     *
     * @return the run, or empty when no folder declares the key
     */
    public Optional<PluginRun> migrate(String key) {
        PluginCatalog catalog = catalog();
        if (catalog.plugin(key).isPresent()) {
            return Optional.of(migrator().migrate(catalog, catalog.plugin(key).get()));
        }
        return catalog.rejected(key)
                .map(folder -> new PluginRun(key, PluginRun.Outcome.INVALID, null, null, null, 0, 0,
                        "folder " + folder.folderName() + ": " + folder.reason()));
    }

    /** Every plugin without per-migration detail; never throws, problems are in {@link PluginsOverview#error()}. */
    public PluginsOverview overview() {
        Path directory = directory();
        try {
            PluginCatalog catalog = catalog();
            PluginInspection inspection = migrator().inspect(catalog, false);
            List<String> errors = new ArrayList<>();
            Optional.ofNullable(catalog.error()).ifPresent(errors::add);
            Optional.ofNullable(inspection.error()).ifPresent(errors::add);
            boolean schemaOnly = inspection.plugins().stream()
                    .anyMatch(state -> IsolationMode.SCHEMA.value().equals(state.isolation()))
                    || (inspection.isolationForNewPlugins() == IsolationMode.SCHEMA
                            && !inspection.plugins().isEmpty());
            return new PluginsOverview(directory.toString(), required(),
                    inspection.isolationForNewPlugins() == null ? null : inspection.isolationForNewPlugins().value(),
                    schemaOnly ? SCHEMA_ONLY_WARNING : null, errors.isEmpty() ? null : String.join("; ", errors),
                    inspection.plugins().stream().map(state -> withSettings(state, catalog)).toList());
        } catch (RuntimeException e) {
            LOG.warn("reading the plugin state failed", e);
            return new PluginsOverview(directory.toString(), required(), null, null,
                    "cannot read the plugin state: " + e.getMessage(), List.of());
        }
    }

    /** One plugin with its migrations, or empty when neither a folder nor the registry knows the key. */
    public Optional<PluginState> state(String key) {
        PluginCatalog catalog = catalog();
        return migrator().inspect(catalog, true).plugins().stream()
                .filter(state -> key.equals(state.key()))
                .findFirst()
                .map(state -> withSettings(state, catalog));
    }

    /**
     * A usable plugin's state with the settings its manifest declares, as the settings API shows them. Only once the
     * stored values are loaded: before, every value would show as its default.
     */
    private PluginState withSettings(PluginState state, PluginCatalog catalog) {
        if (!settings.loaded() || state.key() == null || state.folder() == null) {
            return state;
        }
        return catalog.plugin(state.key())
                .filter(plugin -> plugin.folderName().equals(state.folder()))
                .map(plugin -> state.withSettings(plugin.manifest().settings().stream().map(settings::view).toList()))
                .orElse(state);
    }

    /**
     * What keeps the service from being ready because of plugins: nothing unless {@code CPDB_PLUGINS_REQUIRED};
     * then every plugin that is not active, or a folder or registry that cannot be read.
     */
    public Optional<String> readinessProblem() {
        if (!required()) {
            return Optional.empty();
        }
        PluginsOverview overview = overview();
        if (overview.error() != null) {
            return Optional.of(overview.error());
        }
        String unhealthy = overview.plugins().stream()
                .filter(state -> !state.healthy())
                .map(state -> (state.key() != null ? state.key() : state.folder()) + ": " + state.status())
                .collect(Collectors.joining(", "));
        return unhealthy.isEmpty() ? Optional.empty() : Optional.of(unhealthy);
    }

    private PluginMigrator migrator() {
        return new PluginMigrator(database.direct(), config.lockTimeout(), LockWaitPolicy.of(migrationConfig));
    }
}
