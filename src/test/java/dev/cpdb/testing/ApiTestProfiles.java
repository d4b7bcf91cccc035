package dev.cpdb.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The two ways the runtime API suite runs: straight to PostgreSQL, and through PgBouncer in transaction mode with a
 * pool of two server connections. Both use the same operator token and a fixed secrets master key, and run with
 * secrets strict mode on, the setting recommended for production.
 */
public final class ApiTestProfiles {

    /** Operator token of both profiles. */
    public static final String ADMIN_TOKEN = "operator-token-for-api-tests-0123456789";

    /** Secrets master key of both profiles: 32 bytes, base64. */
    public static final String MASTER_KEY = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";

    private ApiTestProfiles() {
    }

    static Map<String, String> common() {
        Map<String, String> config = new HashMap<>();
        config.put("cpdb.admin.token", ADMIN_TOKEN);
        config.put("cpdb.home", TestFolders.create("cpdb-test-api-home").toString());
        config.put("cpdb.secrets.master-key", MASTER_KEY);
        config.put("cpdb.secrets.strict-mode", "true");
        // Set outside the database, as the environment would: the instance setting is then read-only.
        config.put("cpdb.query-log.slow-threshold", "750ms");
        return config;
    }

    /** The service on an external PostgreSQL, no pooler. */
    public static class Direct implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return common();
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ExternalPostgresResource.class));
        }
    }

    /** The service behind PgBouncer in transaction mode (see {@link PgBouncerProfile}). */
    public static class ThroughPgBouncer extends PgBouncerProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.putAll(common());
            return config;
        }
    }
}
