package dev.cpdb.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the service at a fresh database on the shared test server through {@code DATABASE_URL}, as an operator of
 * an external PostgreSQL would.
 */
public class ExternalPostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("database.url", TestPostgres.libpq(TestPostgres.createDatabase("external")));
    }

    @Override
    public void stop() {
        // The shared server is stopped when the JVM exits.
    }
}
