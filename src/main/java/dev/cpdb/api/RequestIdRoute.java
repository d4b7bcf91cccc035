package dev.cpdb.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.cpdb.database.querylog.RequestIds;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every HTTP request an id (the caller's {@code X-Request-Id} when short and plain, else a new one), answers
 * with it in {@code X-Request-Id}, and keeps it in the request's context so the query log can name the request each
 * statement ran for.
 */
@ApplicationScoped
public class RequestIdRoute {

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 50).handler(this::assign);
    }

    private void assign(RoutingContext context) {
        String id = RequestIds.choose(context.request().getHeader(RequestIds.HEADER));
        RequestIds.set(id);
        context.response().putHeader(RequestIds.HEADER, id);
        context.next();
    }
}
