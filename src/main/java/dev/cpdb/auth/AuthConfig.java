package dev.cpdb.auth;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Operator authentication settings.
 */
@ConfigMapping(prefix = "cpdb.admin")
public interface AuthConfig {

    /**
     * Bearer token of operators ({@code CPDB_ADMIN_TOKEN}); unset on the embedded default means "generate one into
     * the instance folder", unset on an external database disables the operator API.
     */
    Optional<String> token();
}
