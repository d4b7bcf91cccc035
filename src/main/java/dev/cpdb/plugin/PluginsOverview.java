package dev.cpdb.plugin;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.cpdb.plugin.namespace.PluginState;

/**
 * The plugins section of {@code GET /api/db/status} and the answer of {@code GET /api/plugins}.
 *
 * @param directory the plugins folder
 * @param required whether readiness depends on every plugin being active
 * @param isolation isolation new plugin namespaces get with the current database user: {@code role} or
 *        {@code schema}
 * @param warning set whenever some namespace has (or would get) schema-only isolation
 * @param error why the folder or the registry could not be read
 * @param plugins every plugin, by key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PluginsOverview(String directory, boolean required, String isolation, String warning, String error,
        List<PluginState> plugins) {

    public PluginsOverview {
        plugins = List.copyOf(plugins);
    }
}
