package dev.cpdb.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs the service behind PgBouncer (transaction mode, declared) in front of a {@link RestartableDatabase}, with the
 * direct path straight to its PostgreSQL. Tests get the database through a field annotated with {@link Inject}.
 */
public class RestartableDatabaseResource implements QuarkusTestResourceLifecycleManager {

    /** Marks the {@link RestartableDatabase} field of a test. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Inject {
    }

    private RestartableDatabase database;

    @Override
    public Map<String, String> start() {
        database = RestartableDatabase.start();
        return Map.of(
                "database.url", TestPostgres.libpq(database.pgBouncer().url()),
                "database.migration-url", TestPostgres.libpq(database.direct()),
                "cpdb.pooler", "transaction");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(database, new TestInjector.AnnotatedAndMatchesType(Inject.class,
                RestartableDatabase.class));
    }

    @Override
    public void stop() {
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
