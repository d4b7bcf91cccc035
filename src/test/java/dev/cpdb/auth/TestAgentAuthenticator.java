package dev.cpdb.auth;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/** Recognizes one fixed agent key, so the filter's handling of non-operator callers can be tested. */
@ApplicationScoped
public class TestAgentAuthenticator implements BearerAuthenticator {

    static final String KEY = "test-agent-key-0123456789";
    static final UUID COMPANY = UUID.fromString("11111111-2222-3333-4444-555555555555");

    @Override
    public Uni<Optional<Caller>> authenticate(String token) {
        return Uni.createFrom().item(KEY.equals(token)
                ? Optional.of(Caller.agent(COMPANY, UUID.fromString("99999999-2222-3333-4444-555555555555")))
                : Optional.empty());
    }
}
