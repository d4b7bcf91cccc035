package dev.cpdb.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses API requests that announce a body larger than {@link ApiConfig#maxBodySize()} with a 413 problem body,
 * before any of the body is read. (The server's own limit answers 413 without a body, so this one sits below it.)
 */
@ApplicationScoped
public class BodySizeLimit {

    /** Key of the instance setting that changes the limit while the service runs. */
    static final String SETTING = "api.max-body-size";

    /** The server's own hard limit ({@code quarkus.http.limits.max-body-size}); this one must stay below it. */
    static final long SERVER_LIMIT = 2L * 1024 * 1024;

    private volatile long limit;

    public BodySizeLimit(ApiConfig config) {
        this.limit = config.maxBodySize().asLongValue();
    }

    /** The setting: a size from 1K to the server's hard limit ({@code 512K}, {@code 1M}, or bytes). */
    @jakarta.enterprise.inject.Produces
    @jakarta.inject.Singleton
    static dev.cpdb.settings.SettingsDeclaration setting() {
        return () -> java.util.List.of(dev.cpdb.settings.SettingDefinition.text(SETTING, "api", "Largest request "
                + "body accepted under /api/; larger ones are refused with 413 before they are read", "1M", false,
                BodySizeLimit::checkSize));
    }

    static String checkSize(String value) {
        long bytes;
        try {
            bytes = new io.quarkus.runtime.configuration.MemorySizeConverter().convert(value.strip()).asLongValue();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(SETTING + " is \"" + value + "\"; use a size such as 512K or 1M");
        }
        if (bytes < 1024 || bytes > SERVER_LIMIT) {
            throw new IllegalArgumentException(SETTING + " is \"" + value + "\"; use a size from 1K to 2M (the "
                    + "server's own limit)");
        }
        return value.strip();
    }

    void apply(@Observes dev.cpdb.settings.SettingsChanged changed, dev.cpdb.settings.InstanceSettings settings) {
        if (changed.touches(SETTING)) {
            limit = new io.quarkus.runtime.configuration.MemorySizeConverter().convert(settings.value(SETTING))
                    .asLongValue();
        }
    }

    void install(@Observes Router router) {
        router.route("/api/*")
                .order(Integer.MIN_VALUE + 100)
                .handler(this::check);
    }

    private void check(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || !length.matches("[0-9]{1,18}") || Long.parseLong(length) <= limit) {
            context.next();
            return;
        }
        JsonObject problem = JsonObject.of("type", "about:blank", "title", "Request Entity Too Large", "status", 413,
                "detail", "The request body has " + length + " bytes; at most " + describe(limit) + " are accepted "
                        + "(CPDB_API_MAX_BODY_SIZE)");
        context.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(problem.encode());
    }

    private static String describe(long bytes) {
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        if (bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " bytes";
    }
}
