package dev.cpdb.database.querylog;

import java.util.UUID;
import java.util.regex.Pattern;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The id of the HTTP request a piece of work runs for, kept in the request's Vert.x context so that statements
 * started on its behalf can name it. A caller's {@code X-Request-Id} is kept when it is short and plain, else a new
 * one is made.
 */
public final class RequestIds {

    /** The header that carries the id in and out. */
    public static final String HEADER = "X-Request-Id";

    private static final String KEY = "cpdb.request-id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private RequestIds() {
    }

    /** The caller's id when acceptable, else a new one. */
    public static String choose(String offered) {
        return offered != null && ACCEPTED.matcher(offered).matches() ? offered
                : UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** Remembers {@code id} in the current context when that is a request's own (duplicated) context. */
    public static void set(String id) {
        Context context = Vertx.currentContext();
        if (context != null && VertxContext.isDuplicatedContext(context)) {
            context.putLocal(KEY, id);
        }
    }

    /** The id of the request the current thread works for, or null outside a request. */
    public static String current() {
        Context context = Vertx.currentContext();
        // Only a request's own (duplicated) context carries locals; a root context refuses them.
        return context == null || !VertxContext.isDuplicatedContext(context) ? null : context.getLocal(KEY);
    }
}
