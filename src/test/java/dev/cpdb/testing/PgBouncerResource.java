package dev.cpdb.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Puts PgBouncer in transaction mode between the service and a fresh database, the way a managed pooler sits in
 * front of PostgreSQL in production: {@code DATABASE_URL} goes through PgBouncer, {@code DATABASE_MIGRATION_URL}
 * straight to PostgreSQL, and {@code CPDB_POOLER} says transaction (PgBouncer listens on a random port, so
 * auto-detection by port would not recognise it).
 *
 * <p>
 * Tests reach the running PgBouncer through a {@link PgBouncer} field annotated with {@link InjectPgBouncer}.
 */
public class PgBouncerResource implements QuarkusTestResourceLifecycleManager {

    private PgBouncer pgBouncer;

    @Override
    public Map<String, String> start() {
        // Throws with the install hint when pgbouncer is missing (the CI case of RequiresPgBouncer).
        pgBouncer = PgBouncer.start(TestPostgres.createDatabase("pgbouncer"),
                TestFolders.create("cpdb-test-pgbouncer"));
        return Map.of(
                "database.url", TestPostgres.libpq(pgBouncer.url()),
                "database.migration-url", TestPostgres.libpq(pgBouncer.backend()),
                "cpdb.pooler", "transaction");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(pgBouncer, new TestInjector.AnnotatedAndMatchesType(InjectPgBouncer.class,
                PgBouncer.class));
    }

    @Override
    public void stop() {
        if (pgBouncer != null) {
            pgBouncer.close();
            pgBouncer = null;
        }
    }
}
