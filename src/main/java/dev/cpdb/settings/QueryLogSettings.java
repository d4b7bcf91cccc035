package dev.cpdb.settings;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.cpdb.database.Database;
import dev.cpdb.database.querylog.QueryLog;

/** The query log's level and slow threshold as instance settings, applied to both paths as soon as they change. */
@ApplicationScoped
public class QueryLogSettings implements SettingsDeclaration {

    static final String LEVEL = "query-log.level";
    static final String SLOW_THRESHOLD = "query-log.slow-threshold";

    private final Database database;
    private final InstanceSettings settings;

    public QueryLogSettings(Database database, InstanceSettings settings) {
        this.database = database;
        this.settings = settings;
    }

    @Override
    public List<SettingDefinition> settings() {
        return List.of(
                SettingDefinition.choice(LEVEL, "diagnostics", "Which statements cpdb logs on both connection paths: "
                        + "off, slow (from the threshold on, and failures), all, or with-values (all, with values)",
                        "off", List.of("off", "slow", "all", "with-values")),
                SettingDefinition.duration(SLOW_THRESHOLD, "diagnostics", "From how long a statement counts as slow",
                        Duration.ofMillis(500), Duration.ZERO, Duration.ofHours(1)));
    }

    void apply(@Observes SettingsChanged changed) {
        if (!database.started() || !(changed.touches(LEVEL) || changed.touches(SLOW_THRESHOLD))) {
            return;
        }
        database.queryLog().configure(QueryLog.Level.parse(settings.value(LEVEL), LEVEL),
                io.quarkus.runtime.configuration.DurationConverter.parseDuration(settings.value(SLOW_THRESHOLD)));
    }
}
