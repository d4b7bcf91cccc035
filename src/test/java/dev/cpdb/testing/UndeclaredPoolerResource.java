package dev.cpdb.testing;

import java.util.HashMap;
import java.util.Map;

import dev.cpdb.database.DatabaseUrl;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * PgBouncer on a random port in front of a fresh database, reached as {@code localhost}, with nothing in the
 * service's configuration saying that it is a pooler: an operator who left {@code CPDB_POOLER} at its default.
 *
 * <p>
 * Init arguments: {@code mode} (transaction or session, default transaction), {@code serverPoolSize} (default
 * {@link PgBouncer#SERVER_POOL_SIZE}), {@code migrationUrl} ({@code direct} for PostgreSQL itself, the default, or
 * {@code none} to leave {@code DATABASE_MIGRATION_URL} unset) and {@code pooler} (a {@code CPDB_POOLER} value to
 * set; unset by default). The running PgBouncer is injected into fields annotated with {@link InjectPgBouncer}.
 */
public class UndeclaredPoolerResource implements QuarkusTestResourceLifecycleManager {

    private PgBouncer pgBouncer;
    private Map<String, String> args = Map.of();

    @Override
    public void init(Map<String, String> initArgs) {
        args = Map.copyOf(initArgs);
    }

    @Override
    public Map<String, String> start() {
        PgBouncer.Settings settings = new PgBouncer.Settings(args.getOrDefault("mode", "transaction"),
                Integer.parseInt(args.getOrDefault("serverPoolSize", Integer.toString(PgBouncer.SERVER_POOL_SIZE))),
                15);
        pgBouncer = PgBouncer.start(TestPostgres.createDatabase("undeclared"),
                TestFolders.create("cpdb-test-undeclared-pooler"), settings);
        DatabaseUrl throughPooler = pgBouncer.url();
        Map<String, String> config = new HashMap<>();
        config.put("database.url", "postgres://" + throughPooler.user() + ":" + throughPooler.password()
                + "@localhost:" + throughPooler.port() + "/" + throughPooler.database() + "?sslmode=disable");
        if (!"none".equals(args.get("migrationUrl"))) {
            config.put("database.migration-url", TestPostgres.libpq(pgBouncer.backend()));
        }
        if (args.containsKey("pooler")) {
            config.put("cpdb.pooler", args.get("pooler"));
        }
        return config;
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
