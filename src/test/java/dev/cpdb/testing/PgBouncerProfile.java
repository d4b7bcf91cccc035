package dev.cpdb.testing;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Runs the service behind PgBouncer in transaction mode ({@link PgBouncerResource}). The resource belongs to this
 * profile only, so other tests never see PgBouncer.
 */
public class PgBouncerProfile implements QuarkusTestProfile {

    /**
     * Runtime pool size of the service: many more client connections than PgBouncer's server connections, so
     * PgBouncer must hand its two server connections from client to client.
     */
    public static final int RUNTIME_POOL_SIZE = 40;

    /** Operator token of the profile, for endpoints such as the full status. */
    public static final String ADMIN_TOKEN = "operator-token-for-pgbouncer-tests-0123";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("database.pool.max", Integer.toString(RUNTIME_POOL_SIZE), "cpdb.admin.token", ADMIN_TOKEN);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PgBouncerResource.class));
    }
}
