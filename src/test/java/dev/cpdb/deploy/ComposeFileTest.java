package dev.cpdb.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.PoolerMode;

/**
 * {@code deploy/compose/compose.yaml}, the local stack for people with Docker, checked against the application and
 * against the production wiring it imitates: runtime URL through PgBouncer in transaction mode, migration URL
 * straight to PostgreSQL, secrets only from the environment, pinned images.
 */
class ComposeFileTest {

    private static final Path FOLDER = Repository.deploy().resolve("compose");
    private static final ConfigEnvironment ENVIRONMENT = ConfigEnvironment.ofApplication();
    private static final ServiceFacts FACTS = ServiceFacts.load();

    @Test
    void theStackHasPostgresPgBouncerAnObjectStoreAndCpdb() {
        Map<String, Object> services = services();

        assertTrue(services.keySet().containsAll(List.of("postgres", "pgbouncer", "minio", "cpdb")),
                "services: " + services.keySet());
    }

    @Test
    void cpdbReachesPostgresThroughPgBouncerAndMigratesDirectly() {
        Map<String, String> env = environment("cpdb");
        DatabaseUrl runtime = url("DATABASE_URL", env);
        DatabaseUrl direct = url("DATABASE_MIGRATION_URL", env);
        Map<String, String> target = PlainFiles.connectionString(pgBouncerIni().get("databases")
                .get(runtime.database()));

        assertEquals("pgbouncer", runtime.host());
        assertEquals(pgBouncerIni().get("pgbouncer").get("listen_port"), String.valueOf(runtime.port()));
        assertEquals(PoolerMode.TRANSACTION, PoolerMode.AUTO.resolve(runtime.endpoint()));
        assertEquals("transaction", env.get("CPDB_POOLER"));
        assertEquals("postgres", direct.host());
        assertEquals(DatabaseUrl.DEFAULT_PORT, direct.port());
        assertEquals(PoolerMode.NONE, PoolerMode.AUTO.resolve(direct.endpoint()));
        assertEquals(direct.host(), target.get("host"), "PgBouncer must forward to the migration URL's server");
        assertEquals(String.valueOf(direct.port()), target.getOrDefault("port", "5432"));
    }

    @Test
    void pgBouncerRunsInTransactionModeAndIgnoresExtraFloatDigits() {
        Map<String, String> settings = pgBouncerIni().get("pgbouncer");

        assertEquals("transaction", settings.get("pool_mode"));
        assertTrue(settings.getOrDefault("ignore_startup_parameters", "").contains("extra_float_digits"));
    }

    @Test
    void everyVariableSetForCpdbIsOneItReads() {
        List<String> unknown = environment("cpdb").keySet().stream()
                .filter(name -> !ENVIRONMENT.reads(name))
                .toList();

        assertEquals(List.of(), unknown);
    }

    @Test
    void secretsComeFromTheEnvironmentAndNeverFromTheFile() {
        List<String> problems = new ArrayList<>();
        for (String service : services().keySet()) {
            problems.addAll(ManifestRules.literalComposeSecrets(service, environment(service)));
            problems.addAll(ManifestRules.passwordsInUrls(service, Yamls.scalars(services().get(service))));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyImageIsPinnedByTagAndCpdbIsBuiltFromItsDockerfile() {
        List<String> problems = new ArrayList<>();
        // A service with "build" names the image it builds itself (cpdb:dev); the rest are pulled.
        services().forEach((name, service) -> Yamls.text(service, "image")
                .filter(image -> Yamls.at(service, "build") == null)
                .flatMap(image -> ManifestRules.unpinnedImage(name, image))
                .ifPresent(problems::add));

        assertEquals(List.of(), problems);
        Map<String, Object> build = Yamls.map(services().get("cpdb"), "build");
        Path context = FOLDER.resolve(String.valueOf(build.get("context"))).normalize();
        assertEquals(Repository.root(), context);
        assertEquals(ContainerImageTest.DOCKERFILE, context.resolve(String.valueOf(build.get("dockerfile"))));
    }

    @Test
    void cpdbPublishesItsHttpPortAndWritesOnlyToItsHomeAndTmp() {
        Map<String, Object> cpdb = Yamls.map(services().get("cpdb"));
        String published = String.valueOf(Yamls.list(cpdb, "ports").get(0));
        List<String> targets = Yamls.list(cpdb, "volumes").stream()
                .map(volume -> String.valueOf(volume).split(":")[1])
                .toList();

        assertEquals(String.valueOf(FACTS.httpPort()), published.substring(published.lastIndexOf(':') + 1));
        assertEquals("true", Yamls.text(cpdb, "read_only").orElse(""));
        assertTrue(Yamls.list(cpdb, "tmpfs").contains("/tmp"));
        assertTrue(targets.contains(ContainerImageTest.dockerfileEnv().get("CPDB_HOME")),
                "CPDB_HOME must be a volume, found " + targets);
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static Map<String, Object> services() {
        return Yamls.map(Yamls.load(FOLDER.resolve("compose.yaml")).get(0), "services");
    }

    /** A service's environment, in either of compose's forms (mapping, or a list of NAME=value). */
    private static Map<String, String> environment(String service) {
        Object raw = Yamls.at(services().get(service), "environment");
        Map<String, String> env = new LinkedHashMap<>();
        if (raw instanceof List<?> entries) {
            for (Object entry : entries) {
                String text = String.valueOf(entry);
                int equals = text.indexOf('=');
                env.put(equals < 0 ? text : text.substring(0, equals), equals < 0 ? "" : text.substring(equals + 1));
            }
        } else {
            Yamls.map(raw).forEach((name, value) -> env.put(name, String.valueOf(value)));
        }
        return env;
    }

    private static DatabaseUrl url(String name, Map<String, String> env) {
        return DatabaseUrl.parse(name, ManifestRules.withoutInterpolations(env.get(name), "password"));
    }

    private static Map<String, Map<String, String>> pgBouncerIni() {
        return PlainFiles.ini(FOLDER.resolve("pgbouncer.ini"));
    }
}
