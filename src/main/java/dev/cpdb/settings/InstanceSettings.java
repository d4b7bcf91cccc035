package dev.cpdb.settings;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.ConfigValue;
import org.jboss.logging.Logger;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.database.Database;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The instance settings: definitions from every feature's {@link SettingsDeclaration}, values stored in
 * {@code instance_settings} and changed while the service runs, overridden by the environment where it sets them.
 *
 * <p>
 * Every replica checks a version number every {@link #POLL_SECONDS} seconds over the runtime pool (one short statement,
 * safe behind a transaction pooler; no {@code LISTEN}) and reloads the values when it moved, then fires
 * {@link SettingsChanged} so the features apply them. A change made here is applied here at once.
 *
 * <p>
 * Definitions that come from outside the code (the settings plugins declare in their folders) are read again every
 * {@link #REREAD_SECONDS} seconds. A stored value is checked against its definition whenever it is used: one that no
 * longer fits (a plugin changed the type or range, or a sensitive setting stopped or started being sensitive) is
 * ignored, the default applies and the listing says why; nothing stored is ever deleted or changed by that.
 */
@ApplicationScoped
public class InstanceSettings {

    private static final Logger LOG = Logger.getLogger(InstanceSettings.class);

    /** How often each replica looks for changes made elsewhere. */
    public static final int POLL_SECONDS = 2;

    /** How often definitions that come from outside the code (plugin folders) are read again. */
    public static final int REREAD_SECONDS = 10;

    /** Configuration sources above application.properties (250): environment variables, system properties. */
    private static final int ENVIRONMENT_ORDINAL = 250;

    private final Database database;
    private final Instance<SettingsDeclaration> declarations;
    private final Instance<SettingCipher> cipher;
    private final Event<SettingsChanged> changed;
    private final dev.cpdb.activity.ActivityRepository activity;

    private volatile Map<String, SettingDefinition> definitions;
    private volatile Map<String, Stored> stored = Map.of();
    private volatile long version = -1;
    private volatile boolean started;

    /**
     * A stored row, whatever the definition in force says: its plain value and its sealed value opened (null when it
     * has none or it cannot be opened). Which of the two counts is decided when it is used.
     */
    private record Stored(String plain, String opened, boolean sealed, OffsetDateTime updatedAt) {
    }

    /**
     * The value in force and where it comes from.
     *
     * @param problem why a value set in the environment or stored is not the one in force, or null
     */
    private record Resolved(String value, String source, String problem) {
    }

    public InstanceSettings(Database database, Instance<SettingsDeclaration> declarations,
            Instance<SettingCipher> cipher, Event<SettingsChanged> changed,
            dev.cpdb.activity.ActivityRepository activity) {
        this.activity = activity;
        this.database = database;
        this.declarations = declarations;
        this.cipher = cipher;
        this.changed = changed;
    }

    /** Every definition by key, sorted. */
    public Map<String, SettingDefinition> definitions() {
        Map<String, SettingDefinition> current = definitions;
        if (current == null) {
            current = collect();
            definitions = current;
        }
        return current;
    }

    private Map<String, SettingDefinition> collect() {
        Map<String, SettingDefinition> all = new LinkedHashMap<>();
        declarations.stream().flatMap(declaration -> declaration.settings().stream())
                .sorted(Comparator.comparing(SettingDefinition::key))
                .forEach(definition -> {
                    if (all.putIfAbsent(definition.key(), definition) != null) {
                        throw new IllegalStateException("the setting " + definition.key() + " is defined twice");
                    }
                });
        return java.util.Collections.unmodifiableMap(all);
    }

    /**
     * Reads the definitions that come from outside the code again. Blocking (file I/O). A declaration that cannot be
     * read keeps its last definitions: a broken plugins folder never stops the service or hides cpdb's own settings.
     */
    public void reread() {
        declarations.forEach(declaration -> {
            try {
                declaration.reread();
            } catch (RuntimeException e) {
                LOG.warnf("settings: reading declared settings again failed, the last ones stay: %s", e.getMessage());
            }
        });
        definitions = collect();
    }

    /** Keeps plugin settings in step with the plugin folders; runs on a worker thread. */
    @Scheduled(every = REREAD_SECONDS
            + "s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotStarted.class)
    void rereadRegularly() {
        reread();
    }

    /**
     * Checks the environment's values, stores a row for every definition that has none (idempotent, any number of
     * replicas at once), loads the values and applies them. Blocking; called once after the core migrations.
     *
     * @throws InvalidConfigurationException when an environment variable holds a value out of its setting's range
     */
    public void start() {
        reread();
        // A plugin's setting set badly by the environment is shown as such; it never stops the service.
        for (SettingDefinition definition : definitions().values().stream().filter(d -> !d.plugin()).toList()) {
            environment(definition).ifPresent(value -> {
                try {
                    definition.normalize(value);
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationException(definition.environmentVariable() + " ("
                            + definition.property() + "): " + e.getMessage());
                }
            });
        }
        database.pool().preparedQuery("INSERT INTO public.instance_settings (key) "
                + "SELECT unnest($1::text[]) ON CONFLICT (key) DO NOTHING")
                .execute(Tuple.of(definitions().values().stream().filter(d -> !d.plugin())
                        .map(SettingDefinition::key).toArray(String[]::new)))
                .await().indefinitely();
        reload().await().indefinitely();
        started = true;
    }

    /** Whether {@link #start()} has completed. */
    public boolean started() {
        return started;
    }

    /** Looks for changes made on other replicas; runs on the scheduler's thread. */
    @Scheduled(every = POLL_SECONDS
            + "s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotStarted.class)
    Uni<Void> poll() {
        return database.pool().query("SELECT version FROM public.instance_settings_version").execute()
                .chain(rows -> {
                    long current = rows.iterator().next().getLong(0);
                    return current == version ? Uni.createFrom().voidItem() : reload();
                })
                .onFailure().invoke(failure -> LOG.debugf("settings: looking for changes failed: %s",
                        failure.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Skips polls before {@link #start()} (and in one-off commands, which never start it). */
    @ApplicationScoped
    public static class NotStarted implements Scheduled.SkipPredicate {

        private final InstanceSettings settings;

        public NotStarted(InstanceSettings settings) {
            this.settings = settings;
        }

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            // Through a method: the injected bean is a client proxy, whose own fields are never set.
            return !settings.started();
        }
    }

    /**
     * Reads the stored values without starting the polling, for one-off commands. Blocking.
     *
     * @throws IllegalStateException when the database has no settings table yet (the service never started on it)
     */
    public void load() {
        try {
            reread();
            reload().await().indefinitely();
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("instance_settings")) {
                throw new IllegalStateException("the database has no instance settings yet: start the service (or "
                        + "run migrate) on it once", e);
            }
            throw e;
        }
    }

    private Uni<Void> reload() {
        return database.pool().withTransaction(connection -> connection
                .query("SELECT version FROM public.instance_settings_version").execute()
                .chain(versionRows -> connection.query("SELECT key, value, secret_value, updated_at "
                        + "FROM public.instance_settings").execute()
                        .map(rows -> {
                            apply(versionRows.iterator().next().getLong(0), rows);
                            return null;
                        })))
                .replaceWithVoid();
    }

    private synchronized void apply(long newVersion, RowSet<Row> rows) {
        // Rows without a definition are kept too: a setting of another cpdb version, or of a plugin that is gone or
        // not read yet, comes back as it was when its definition does.
        Map<String, Stored> loaded = new HashMap<>();
        for (Row row : rows) {
            String key = row.getString("key");
            io.vertx.mutiny.core.buffer.Buffer sealed = row.getBuffer("secret_value");
            loaded.put(key, new Stored(row.getString("value"), sealed == null ? null : openSealed(key,
                    sealed.getBytes()), sealed != null, row.getOffsetDateTime("updated_at")));
        }
        Set<String> keys = new HashSet<>();
        for (String key : definitions().keySet()) {
            if (version < 0 || !sameValue(stored.get(key), loaded.get(key))) {
                keys.add(key);
            }
        }
        stored = Map.copyOf(loaded);
        version = newVersion;
        if (!keys.isEmpty()) {
            changed.fire(new SettingsChanged(Set.copyOf(keys)));
        }
    }

    private static boolean sameValue(Stored one, Stored other) {
        if (one == null || other == null) {
            return one == other;
        }
        return Objects.equals(one.plain(), other.plain()) && Objects.equals(one.opened(), other.opened())
                && one.sealed() == other.sealed();
    }

    private String openSealed(String key, byte[] sealed) {
        if (!cipher.isResolvable() || !cipher.get().available()) {
            return null;
        }
        try {
            return cipher.get().open(key, sealed);
        } catch (IllegalStateException e) {
            if (definitions().containsKey(key)) {
                LOG.errorf("the stored value of the sensitive setting %s cannot be read (%s); its default applies "
                        + "until it is set again", key, e.getMessage());
            }
            return null;
        }
    }

    /** The value the environment (or another configuration source above application.properties) sets, if any. */
    public Optional<String> environment(SettingDefinition definition) {
        ConfigValue value = ConfigProvider.getConfig().getConfigValue(definition.property());
        if (value == null || value.getValue() == null || value.getSourceOrdinal() <= ENVIRONMENT_ORDINAL) {
            return Optional.empty();
        }
        return Optional.of(value.getValue());
    }

    /**
     * The value in force when nothing is stored: application.properties (and its profiles) where it sets one, else
     * the definition's default.
     */
    public String baseline(SettingDefinition definition) {
        ConfigValue value = ConfigProvider.getConfig().getConfigValue(definition.property());
        if (value == null || value.getValue() == null || value.getSourceOrdinal() > ENVIRONMENT_ORDINAL) {
            return definition.defaultValue();
        }
        try {
            return definition.normalize(value.getValue());
        } catch (IllegalArgumentException e) {
            return definition.defaultValue();
        }
    }

    /**
     * The effective value of {@code key}: the environment's, else the stored one, else the {@link #baseline}.
     *
     * @throws IllegalArgumentException for an unknown key
     */
    public String value(String key) {
        return resolve(require(key)).value();
    }

    /**
     * The effective value of a setting. A value that does not fit the definition (set badly in the environment for a
     * plugin's setting, or stored under an older definition) is passed over for the baseline, with the reason; the
     * reason never quotes the value of a sensitive setting.
     */
    private Resolved resolve(SettingDefinition definition) {
        Optional<String> environment = environment(definition);
        if (environment.isPresent()) {
            try {
                return new Resolved(definition.normalize(environment.get()), "environment", null);
            } catch (IllegalArgumentException e) {
                return new Resolved(baseline(definition), "environment", definition.environmentVariable()
                        + " does not fit: " + (definition.sensitive() ? definition.range() : e.getMessage())
                        + "; the default applies until it is corrected");
            }
        }
        Stored row = stored.get(definition.key());
        if (row == null || (row.plain() == null && !row.sealed())) {
            return new Resolved(baseline(definition), "default", null);
        }
        if (definition.sensitive() != row.sealed()) {
            return new Resolved(baseline(definition), "default", "the stored value was written while the setting "
                    + (definition.sensitive() ? "was not sensitive (so it is not encrypted)" : "was sensitive")
                    + " and is not used; set the setting again");
        }
        String raw = definition.sensitive() ? row.opened() : row.plain();
        if (raw == null) {
            return new Resolved(baseline(definition), "default", "the stored value cannot be decrypted with this "
                    + "secrets master key; set the setting again");
        }
        try {
            return new Resolved(definition.normalize(raw), "database", null);
        } catch (IllegalArgumentException e) {
            return new Resolved(baseline(definition), "default", "the stored value no longer fits ("
                    + (definition.sensitive() ? definition.range() : e.getMessage())
                    + ") and is not used; set the setting again");
        }
    }

    /** The definition of {@code key}, or empty. */
    public Optional<SettingDefinition> definition(String key) {
        return Optional.ofNullable(definitions().get(key));
    }

    private SettingDefinition require(String key) {
        SettingDefinition definition = definitions().get(key);
        if (definition == null) {
            throw new IllegalArgumentException("no setting " + key);
        }
        return definition;
    }

    /** Every setting as operators see it. */
    public List<SettingView> views() {
        List<SettingView> views = new ArrayList<>();
        for (SettingDefinition definition : definitions().values()) {
            views.add(view(definition));
        }
        return views;
    }

    /** One setting as operators see it. */
    public SettingView view(SettingDefinition definition) {
        Resolved resolved = resolve(definition);
        Stored row = stored.get(definition.key());
        String effective = resolved.value();
        return new SettingView(definition.key(), definition.group(), definition.kind().label(),
                definition.description(), definition.range(),
                definition.choices().isEmpty() ? null : definition.choices(),
                definition.sensitive() ? null : baseline(definition),
                definition.sensitive() ? null : effective,
                definition.sensitive() ? effective != null && !effective.isEmpty() : null,
                definition.sensitive(), resolved.source(), !"environment".equals(resolved.source()),
                definition.environmentVariable(), row == null ? null : row.updatedAt(), resolved.problem());
    }

    /** Whether stored values have been read (by {@link #start()} or {@link #load()}). */
    public boolean loaded() {
        return version >= 0;
    }

    /**
     * Stores a new value for {@code key} (null: back to the default) and applies it here at once; other replicas
     * follow within {@link #POLL_SECONDS} seconds.
     *
     * @return the setting as it is now, and what it was before (for the log; never the value of a sensitive one)
     * @throws SettingRefusedException when the key is unknown (404), the environment sets it (409) or the value is
     *         out of range (400)
     */
    public Uni<Change> set(String key, String newValue, dev.cpdb.activity.Actor actor) {
        SettingDefinition definition = definitions().get(key);
        if (definition == null) {
            return Uni.createFrom().failure(new SettingRefusedException(404, "No setting is called '" + key
                    + "'; GET /api/settings lists them"));
        }
        if (environment(definition).isPresent()) {
            return Uni.createFrom().failure(new SettingRefusedException(409, key + " is set by the environment ("
                    + definition.environmentVariable() + "), which wins over the stored value; change it there"));
        }
        String normalized;
        try {
            normalized = newValue == null ? null : definition.normalize(newValue);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new SettingRefusedException(400, e.getMessage()));
        }
        try {
            String proposed = normalized == null ? baseline(definition) : normalized;
            declarations.forEach(declaration -> declaration.vet(key, proposed, this::value));
        } catch (SettingRefusedException e) {
            return Uni.createFrom().failure(e);
        }
        String plain;
        byte[] sealed;
        if (definition.sensitive() && normalized != null) {
            if (!cipher.isResolvable() || !cipher.get().available()) {
                return Uni.createFrom().failure(new SettingRefusedException(409, key + " is sensitive and no "
                        + "secrets master key is configured to encrypt it"));
            }
            plain = null;
            sealed = cipher.get().seal(key, normalized);
        } else {
            plain = normalized;
            sealed = null;
        }
        String before = value(key);
        io.vertx.core.json.JsonObject details = io.vertx.core.json.JsonObject.of("key", key, "reset",
                normalized == null);
        if (!definition.sensitive()) {
            details.put("from", before).put("to", normalized == null ? baseline(definition) : normalized);
        }
        return database.pool().withTransaction(connection -> connection
                .preparedQuery("INSERT INTO public.instance_settings (key, value, secret_value, updated_by) "
                        + "VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, "
                        + "secret_value = EXCLUDED.secret_value, updated_at = now(), updated_by = EXCLUDED.updated_by")
                .execute(Tuple.of(key, plain, sealed == null ? null
                        : io.vertx.core.buffer.Buffer.buffer(sealed),
                        actor.type().name().toLowerCase(
                                java.util.Locale.ROOT)))
                .chain(ignored -> activity.append(connection, actor, null, "instance_setting.changed",
                        java.util.UUID.nameUUIDFromBytes(("instance-setting:" + key)
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        details))
                .chain(ignored -> connection.query("UPDATE public.instance_settings_version "
                        + "SET version = version + 1").execute()))
                .chain(ignored -> reload())
                .map(ignored -> new Change(view(definition), definition.sensitive() ? null : before));
    }

    /** A change made through {@link #set}: the setting now, and its effective value before. */
    public record Change(SettingView now, String before) {
    }

    /** Keys of the definitions, for messages. */
    public String keys() {
        return definitions().keySet().stream().collect(Collectors.joining(", "));
    }
}
