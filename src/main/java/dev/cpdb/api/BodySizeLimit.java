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

    /** The server's own hard limit ({@code quarkus.http.limits.max-body-size}); this one must stay below it. */
    public static final long SERVER_LIMIT = 2L * 1024 * 1024;

    private volatile long limit;

    public BodySizeLimit(ApiConfig config) {
        this.limit = config.maxBodySize().asLongValue();
    }

    /** Changes the limit for requests that arrive from now on (the instance setting {@code api.max-body-size}). */
    public void limit(long bytes) {
        limit = bytes;
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
