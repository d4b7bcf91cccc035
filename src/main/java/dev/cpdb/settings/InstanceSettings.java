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
 */
@ApplicationScoped
public class InstanceSettings {

    private static final Logger LOG = Logger.getLogger(InstanceSettings.class);

    /** How often each replica looks for changes made elsewhere. */
    public static final int POLL_SECONDS = 2;

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

    /** A stored row: the value (opened, for sensitive settings), null for the default. */
    private record Stored(String value, OffsetDateTime updatedAt) {
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
            Map<String, SettingDefinition> all = new LinkedHashMap<>();
            declarations.stream().flatMap(declaration -> declaration.settings().stream())
                    .sorted(Comparator.comparing(SettingDefinition::key))
                    .forEach(definition -> {
                        if (all.putIfAbsent(definition.key(), definition) != null) {
                            throw new IllegalStateException("the setting " + definition.key() + " is defined twice");
                        }
                    });
            current = java.util.Collections.unmodifiableMap(all);
            definitions = current;
        }
        return current;
    }

    /**
     * Checks the environment's values, stores a row for every definition that has none (idempotent, any number of
     * replicas at once), loads the values and applies them. Blocking; called once after the core migrations.
     *
     * @throws InvalidConfigurationException when an environment variable holds a value out of its setting's range
     */
    public void start() {
        for (SettingDefinition definition : definitions().values()) {
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
                .execute(Tuple.of(definitions().keySet().toArray(String[]::new)))
                .await().indefinitely();
        reload().await().indefinitely();
        started = true;
    }

    /** Whether {@link #start()} has completed. */
    public boolean started() {
        return started;
    }

    /** Whether the stored values were read, by {@link #start()} or, in a one-off command, {@link #load()}. */
    public boolean loaded() {
        return version >= 0;
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
        Map<String, Stored> loaded = new HashMap<>();
        for (Row row : rows) {
            String key = row.getString("key");
            SettingDefinition definition = definitions().get(key);
            if (definition == null) {
                continue; // a setting of a newer or older cpdb version, or of a plugin no longer present
            }
            String value = row.getString("value");
            io.vertx.mutiny.core.buffer.Buffer sealed = row.getBuffer("secret_value");
            if (definition.sensitive() && sealed != null) {
                value = openSealed(key, sealed.getBytes());
            }
            loaded.put(key, new Stored(value, row.getOffsetDateTime("updated_at")));
        }
        Set<String> keys = new HashSet<>();
        for (String key : definitions().keySet()) {
            if (version < 0 || !Objects.equals(value(stored.get(key)), value(loaded.get(key)))) {
                keys.add(key);
            }
        }
        stored = Map.copyOf(loaded);
        version = newVersion;
        if (!keys.isEmpty()) {
            changed.fire(new SettingsChanged(Set.copyOf(keys)));
        }
    }

    private String openSealed(String key, byte[] sealed) {
        if (!cipher.isResolvable() || !cipher.get().available()) {
            return null;
        }
        try {
            return cipher.get().open(key, sealed);
        } catch (IllegalStateException e) {
            LOG.errorf("the stored value of the sensitive setting %s cannot be read (%s); its default applies until "
                    + "it is set again", key, e.getMessage());
            return null;
        }
    }

    private static String value(Stored stored) {
        return stored == null ? null : stored.value();
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
        SettingDefinition definition = require(key);
        Optional<String> environment = environment(definition);
        if (environment.isPresent()) {
            return definition.normalize(environment.get());
        }
        String current = value(stored.get(key));
        return current != null ? current : baseline(definition);
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
        Optional<String> environment = environment(definition);
        Stored row = stored.get(definition.key());
        String source = environment.isPresent() ? "environment"
                : row != null && row.value() != null ? "database" : "default";
        String effective = value(definition.key());
        return new SettingView(definition.key(), definition.group(), definition.kind().label(),
                definition.description(), definition.range(),
                definition.choices().isEmpty() ? null : definition.choices(),
                definition.sensitive() ? null : baseline(definition),
                definition.sensitive() ? null : effective,
                definition.sensitive() ? effective != null && !effective.isEmpty() : null,
                definition.sensitive(), source, environment.isEmpty(), definition.environmentVariable(),
                row == null ? null : row.updatedAt());
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
