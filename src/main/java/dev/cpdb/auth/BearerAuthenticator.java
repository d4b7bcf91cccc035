package dev.cpdb.auth;

import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * Recognizes bearer tokens other than the operator token (for example agent API keys). Implementations are CDI
 * beans; the first one that recognizes a token wins.
 */
public interface BearerAuthenticator {

    /**
     * @param token the presented bearer token
     * @return the caller when the token is valid, empty when this authenticator does not recognize it
     */
    Uni<Optional<Caller>> authenticate(String token);
}
