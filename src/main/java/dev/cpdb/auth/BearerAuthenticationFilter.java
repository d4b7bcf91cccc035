package dev.cpdb.auth;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.cpdb.problem.ProblemMappers;
import io.smallrye.mutiny.Uni;

/**
 * Authenticates requests to resources marked {@link Secured}: {@code Authorization: Bearer <token>} with the
 * operator token or, where allowed, a token recognized by a {@link BearerAuthenticator}. Missing or unknown tokens
 * answer 401, an agent on an operator-only resource 403.
 */
public class BearerAuthenticationFilter {

    private static final String BEARER = "Bearer ";

    private final AdminToken adminToken;
    private final Instance<BearerAuthenticator> authenticators;
    private final CurrentCaller currentCaller;

    public BearerAuthenticationFilter(AdminToken adminToken, Instance<BearerAuthenticator> authenticators,
            CurrentCaller currentCaller) {
        this.adminToken = adminToken;
        this.authenticators = authenticators;
        this.currentCaller = currentCaller;
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request, ResourceInfo resource) {
        Optional<Secured> secured = secured(resource);
        if (secured.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Uni.createFrom().item(unauthorized("Send the operator token as 'Authorization: Bearer <token>'"
                    + (adminToken.configured() ? "" : "; no operator token is configured, set CPDB_ADMIN_TOKEN")));
        }
        String token = header.substring(BEARER.length()).strip();
        if (adminToken.matches(token)) {
            currentCaller.set(Caller.admin());
            return Uni.createFrom().nullItem();
        }
        return authenticateOther(token, List.copyOf(authenticators.stream().toList()), 0)
                .onItem().transform(caller -> decide(caller, secured.get()));
    }

    private Uni<Optional<Caller>> authenticateOther(String token, List<BearerAuthenticator> candidates, int index) {
        if (index >= candidates.size()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return candidates.get(index).authenticate(token)
                .onItem().transformToUni(found -> found.isPresent() ? Uni.createFrom().item(found)
                        : authenticateOther(token, candidates, index + 1));
    }

    private Response decide(Optional<Caller> caller, Secured secured) {
        if (caller.isEmpty()) {
            return unauthorized("The bearer token is not valid");
        }
        if (!caller.get().isAdmin() && !secured.agents()) {
            return ProblemMappers.problem(403, "This endpoint is for operators; use the operator token");
        }
        currentCaller.set(caller.get());
        return null;
    }

    private static Optional<Secured> secured(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method != null && method.isAnnotationPresent(Secured.class)) {
            return Optional.of(method.getAnnotation(Secured.class));
        }
        Class<?> type = resource.getResourceClass();
        return type == null ? Optional.empty() : Optional.ofNullable(type.getAnnotation(Secured.class));
    }

    private static Response unauthorized(String detail) {
        return Response.fromResponse(ProblemMappers.problem(401, detail))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cpdb\"")
                .build();
    }
}
