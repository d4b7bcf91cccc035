package dev.cpdb.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.PoolerMode;

/**
 * The Kubernetes manifests in {@code deploy/} (the Kustomize base, the pgbouncer and supavisor overlays and the
 * migration Job) checked against the application they deploy. Expectations come from the code (config mappings,
 * {@code application.properties}, the readiness check's time limit, cpdb's own URL parser and pooler detection)
 * and from the deployment design in the architecture notes (two connection paths, three probes, secrets only in
 * Secrets). No cluster is involved: overlays are rendered by {@link Kustomize}.
 */
class KubernetesManifestsTest {

    private static final ConfigEnvironment ENVIRONMENT = ConfigEnvironment.ofApplication();
    private static final ServiceFacts FACTS = ServiceFacts.load();
    /** Start-up budget: first start on an empty database plus a long migration. */
    private static final Duration STARTUP_BUDGET = Duration.ofMinutes(5);
    /** The shutdown drain that backups will need (a running backup finishes its current step). */
    private static final Duration PLANNED_SHUTDOWN_DRAIN = Duration.ofSeconds(25);
    /** Port of the in-cluster PgBouncer and of Supavisor's transaction mode. */
    private static final int PGBOUNCER_PORT = 6432;
    private static final int SUPAVISOR_TRANSACTION_PORT = 6543;

    @Test
    void everyYamlFileUnderDeployParses() {
        List<Path> files = Repository.files(Repository.deploy(), ".yaml", ".yml");
        assertTrue(files.size() >= 10, "expected the base, both overlays, the Job and compose, found " + files);
        for (Path file : files) {
            assertFalse(Yamls.load(file).isEmpty(), file + " holds no document");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void cpdbRunsMoreThanOneReplicaCoveredByADisruptionBudget(String variant) {
        List<Map<String, Object>> resources = render(variant);
        Map<String, Object> deployment = cpdbDeployment(resources);

        assertTrue(Yamls.number(deployment, "spec", "replicas").orElse(1L) > 1, variant + ": replicas must be > 1");
        assertTrue(disruptionBudgetCovers(resources, deployment), variant + ": no PodDisruptionBudget selects cpdb");
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void probesUseTheApplicationsHealthPathsOnItsHttpPort(String variant) {
        Map<String, Object> cpdb = cpdbContainer(render(variant));

        assertEquals(FACTS.startupPath(), Yamls.text(cpdb, "startupProbe", "httpGet", "path").orElse(null));
        assertEquals(FACTS.readinessPath(), Yamls.text(cpdb, "readinessProbe", "httpGet", "path").orElse(null));
        assertEquals(FACTS.livenessPath(), Yamls.text(cpdb, "livenessProbe", "httpGet", "path").orElse(null));
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            Object port = Yamls.at(cpdb, probe, "httpGet", "port");
            assertEquals(FACTS.httpPort(), containerPort(cpdb, port), variant + " " + probe + " port " + port);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void probeTimingsLeaveRoomForMigrationsAndForTheReadinessCheck(String variant) {
        Map<String, Object> cpdb = cpdbContainer(render(variant));

        assertTrue(window(cpdb, "startupProbe").compareTo(STARTUP_BUDGET) >= 0,
                variant + ": the startup probe gives up after " + window(cpdb, "startupProbe")
                        + "; migrations may need " + STARTUP_BUDGET);
        long readinessTimeout = Yamls.number(cpdb, "readinessProbe", "timeoutSeconds").orElse(1L);
        assertTrue(readinessTimeout > ServiceFacts.readinessCheckTimeout().toSeconds(),
                variant + ": readiness timeoutSeconds " + readinessTimeout + " must exceed the check's own "
                        + ServiceFacts.readinessCheckTimeout());
        assertTrue(window(cpdb, "livenessProbe").compareTo(Duration.ofSeconds(30)) >= 0,
                variant + ": liveness must tolerate a 30 s stall (GC, CPU throttling) before restarting");
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void terminationGracePeriodOutlastsPreStopPauseAndShutdownDrain(String variant) {
        Map<String, Object> deployment = cpdbDeployment(render(variant));
        Map<String, Object> cpdb = cpdbContainer(render(variant));
        long grace = Yamls.number(ManifestRules.podSpec(deployment), "terminationGracePeriodSeconds").orElse(30L);
        long preStop = preStopSleepSeconds(cpdb);
        long drain = Math.max(FACTS.shutdownTimeout().toSeconds(), PLANNED_SHUTDOWN_DRAIN.toSeconds());

        assertTrue(grace > preStop + drain, variant + ": terminationGracePeriodSeconds " + grace
                + " must exceed the preStop pause (" + preStop + " s) plus the shutdown drain (" + drain + " s)");
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void everyVariableSetForCpdbIsOneItReads(String variant) {
        List<Map<String, Object>> resources = render(variant);

        assertEquals(List.of(), ManifestRules.unknownVariables(variant, cpdbContainer(resources),
                configMaps(resources), ENVIRONMENT));
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void databaseUrlsAndTheAdminTokenComeFromTheOperatorsSecret(String variant) {
        Map<String, Map<String, Object>> env = env(cpdbContainer(render(variant)));

        for (String name : List.of("DATABASE_URL", "DATABASE_MIGRATION_URL", "CPDB_ADMIN_TOKEN")) {
            assertTrue(env.containsKey(name), variant + ": " + name + " is not set");
            assertEquals("cpdb", Yamls.text(env.get(name), "valueFrom", "secretKeyRef", "name").orElse(null),
                    variant + ": " + name + " must come from the Secret cpdb");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void noSecretValueIsWrittenIntoTheManifests(String variant) {
        assertEquals(List.of(), ManifestRules.literalSecrets(render(variant)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void everyImageIsPinnedByTag(String variant) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> resource : render(variant)) {
            for (Map<String, Object> container : ManifestRules.containers(resource)) {
                ManifestRules.unpinnedImage(Kustomize.id(resource), String.valueOf(container.get("image")))
                        .ifPresent(problems::add);
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void everyContainerSetsResourcesAndRunsUnprivilegedOnAReadOnlyRoot(String variant) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> resource : render(variant)) {
            problems.addAll(hardeningProblems(resource));
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void cpdbHomeAndTmpAreWritableEmptyDirs(String variant) {
        Map<String, Object> deployment = cpdbDeployment(render(variant));
        Map<String, Object> cpdb = cpdbContainer(render(variant));
        String home = Yamls.text(env(cpdb).get("CPDB_HOME"), "value").orElse(null);

        assertEquals(Optional.of("emptyDir"), mountedVolumeKind(deployment, cpdb, home),
                variant + ": CPDB_HOME (" + home + ") must be an emptyDir mount");
        assertEquals(Optional.of("emptyDir"), mountedVolumeKind(deployment, cpdb, "/tmp"),
                variant + ": /tmp must be an emptyDir mount (the JVM and Vert.x write there)");
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void theServiceSendsTrafficToTheHttpPort(String variant) {
        List<Map<String, Object>> resources = render(variant);
        Map<String, Object> service = resource(resources, "Service", "cpdb");
        Map<String, Object> port = Yamls.maps(service, "spec", "ports").get(0);

        assertEquals(FACTS.httpPort(), containerPort(cpdbContainer(resources), port.get("targetPort")));
        assertEquals(Yamls.map(cpdbDeployment(resources), "spec", "selector", "matchLabels"),
                Yamls.map(service, "spec", "selector"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "pgbouncer", "supavisor", "read-replicas" })
    void poolerOverlaysDeclareATransactionPoolerAndRequireTheDirectUrl(String variant) {
        List<Map<String, Object>> resources = render(variant);
        Map<String, Map<String, Object>> env = env(cpdbContainer(resources));
        Map<String, Object> migration = Yamls.map(env.get("DATABASE_MIGRATION_URL"), "valueFrom", "secretKeyRef");

        assertEquals("transaction", configMaps(resources).get("cpdb").get("CPDB_POOLER"));
        assertNotEquals("true", String.valueOf(migration.get("optional")),
                variant + ": DATABASE_MIGRATION_URL must be required behind a transaction pooler");
        assertNotEquals(Yamls.text(env.get("DATABASE_URL"), "valueFrom", "secretKeyRef", "key"),
                Optional.ofNullable(migration.get("key")).map(String::valueOf),
                variant + ": the runtime and the direct URL must be different keys");
    }

    @ParameterizedTest(name = "{0}: runtime URL on port {1}, direct URL on 5432")
    @CsvSource({ "pgbouncer, " + PGBOUNCER_PORT, "supavisor, " + SUPAVISOR_TRANSACTION_PORT,
            "read-replicas, " + PGBOUNCER_PORT })
    void theExampleSecretSendsRuntimeTrafficThroughThePoolerAndMigrationsDirect(String variant, int poolerPort) {
        Map<String, String> secret = exampleSecret(variant);
        DatabaseUrl runtime = DatabaseUrl.parse("DATABASE_URL", secret.get("DATABASE_URL"));
        DatabaseUrl direct = DatabaseUrl.parse("DATABASE_MIGRATION_URL", secret.get("DATABASE_MIGRATION_URL"));

        assertEquals(poolerPort, runtime.port());
        assertEquals(PoolerMode.TRANSACTION, PoolerMode.AUTO.resolve(runtime.endpoint()),
                "cpdb's own detection must see the runtime URL as a transaction pooler");
        assertEquals(DatabaseUrl.DEFAULT_PORT, direct.port());
        assertEquals(PoolerMode.NONE, PoolerMode.AUTO.resolve(direct.endpoint()),
                "the migration URL must not look like a pooler");
        assertNotEquals(runtime.host() + ":" + runtime.port(), direct.host() + ":" + direct.port());
    }

    @Test
    void theBaseExampleSecretConnectsDirectly() {
        DatabaseUrl runtime = DatabaseUrl.parse("DATABASE_URL", exampleSecret("base").get("DATABASE_URL"));

        assertEquals(PoolerMode.NONE, PoolerMode.AUTO.resolve(runtime.endpoint()));
    }

    @Test
    void supavisorUrlsRequireTls() {
        Map<String, String> secret = exampleSecret("supavisor");
        for (String name : List.of("DATABASE_URL", "DATABASE_MIGRATION_URL")) {
            String mode = DatabaseUrl.parse(name, secret.get(name)).sslMode();
            assertTrue(Set.of("require", "verify-ca", "verify-full").contains(mode), name + " has sslmode " + mode);
        }
    }

    @Test
    void pgBouncerRunsInTransactionModeWithoutServerSidePreparedStatements() {
        Map<String, String> settings = pgBouncerIni().get("pgbouncer");

        assertEquals("transaction", settings.get("pool_mode"));
        assertEquals("0", settings.get("max_prepared_statements"));
        assertTrue(List.of(settings.getOrDefault("ignore_startup_parameters", "").split("\\s*,\\s*"))
                .contains("extra_float_digits"), "pgjdbc and Vert.x send extra_float_digits");
    }

    @Test
    void pgBouncerListensWhereItsServiceAndTheRuntimeUrlPoint() {
        List<Map<String, Object>> resources = render("pgbouncer");
        Map<String, Object> pgbouncer = container(resources, "Deployment", "cpdb-pgbouncer", "pgbouncer");
        Map<String, Object> service = resource(resources, "Service", "cpdb-pgbouncer");
        Map<String, Object> servicePort = Yamls.maps(service, "spec", "ports").get(0);
        DatabaseUrl runtime = DatabaseUrl.parse("DATABASE_URL", exampleSecret("pgbouncer").get("DATABASE_URL"));
        int listenPort = Integer.parseInt(pgBouncerIni().get("pgbouncer").get("listen_port"));

        assertEquals(PGBOUNCER_PORT, listenPort);
        assertEquals(listenPort, containerPort(pgbouncer, servicePort.get("targetPort")));
        assertEquals("cpdb-pgbouncer", runtime.host());
        assertEquals(String.valueOf(runtime.port()), String.valueOf(servicePort.get("port")));
        assertTrue(pgBouncerIni().get("databases").containsKey(runtime.database()),
                "PgBouncer has no [databases] entry for " + runtime.database());
    }

    @Test
    void pgBouncerForwardsToTheServerThatTheMigrationUrlNames() {
        Map<String, String> secret = exampleSecret("pgbouncer");
        DatabaseUrl runtime = DatabaseUrl.parse("DATABASE_URL", secret.get("DATABASE_URL"));
        DatabaseUrl direct = DatabaseUrl.parse("DATABASE_MIGRATION_URL", secret.get("DATABASE_MIGRATION_URL"));
        Map<String, String> target = PlainFiles.connectionString(pgBouncerIni().get("databases")
                .get(runtime.database()));

        assertEquals(direct.host(), target.get("host"));
        assertEquals(String.valueOf(direct.port()), target.getOrDefault("port", "5432"));
        assertEquals(direct.database(), target.getOrDefault("dbname", runtime.database()));
        assertFalse(target.containsKey("password"), "no password in pgbouncer.ini; it comes from the auth file");
    }

    @Test
    void theReplicaOverlayReadsThroughItsOwnPgBouncerInFrontOfTheReplica() {
        List<Map<String, Object>> resources = render("read-replicas");
        Map<String, String> secret = exampleSecret("read-replicas");
        DatabaseUrl read = DatabaseUrl.parse("DATABASE_READ_URL", secret.get("DATABASE_READ_URL"));
        DatabaseUrl direct = DatabaseUrl.parse("DATABASE_MIGRATION_URL", secret.get("DATABASE_MIGRATION_URL"));
        Map<String, Object> service = resource(resources, "Service", "cpdb-pgbouncer-replica");
        Map<String, Object> pooler = container(resources, "Deployment", "cpdb-pgbouncer-replica", "pgbouncer");
        Map<String, Map<String, String>> ini = PlainFiles.ini(
                Repository.deploy().resolve("read-replicas/pgbouncer-replica.ini"));
        Map<String, String> target = PlainFiles.connectionString(ini.get("databases").get(read.database()));

        assertEquals("cpdb-pgbouncer-replica", read.host());
        assertEquals(String.valueOf(read.port()), String.valueOf(Yamls.maps(service, "spec", "ports").get(0)
                .get("port")));
        assertEquals(Integer.parseInt(ini.get("pgbouncer").get("listen_port")),
                containerPort(pooler, Yamls.maps(service, "spec", "ports").get(0).get("targetPort")));
        assertEquals("transaction", ini.get("pgbouncer").get("pool_mode"));
        assertEquals(PoolerMode.TRANSACTION, PoolerMode.AUTO.resolve(read.endpoint()));
        assertNotEquals(direct.host(), target.get("host"), "the replica's PgBouncer forwards to the replica");
        assertFalse(target.containsKey("password"), "no password in the ini; it comes from the auth file");
    }

    @Test
    void pgBouncerAcceptsEveryRuntimeConnectionOfAllCpdbPodsDuringARollout() {
        List<Map<String, Object>> resources = render("pgbouncer");
        Map<String, Object> deployment = cpdbDeployment(resources);
        long pods = Yamls.number(deployment, "spec", "replicas").orElse(1L)
                + Yamls.number(deployment, "spec", "strategy", "rollingUpdate", "maxSurge").orElse(1L);
        long poolMax = Long.parseLong(String.valueOf(configMaps(resources).get("cpdb")
                .getOrDefault("DATABASE_POOL_MAX", "10")));
        long maxClientConn = Long.parseLong(pgBouncerIni().get("pgbouncer").getOrDefault("max_client_conn", "100"));

        assertTrue(maxClientConn >= pods * poolMax, "max_client_conn " + maxClientConn + " < " + pods
                + " pods x DATABASE_POOL_MAX " + poolMax);
    }

    @Test
    void pgBouncerFindsItsConfigurationAndAuthFileWhereTheyAreMounted() {
        List<Map<String, Object>> resources = render("pgbouncer");
        Map<String, Object> deployment = resource(resources, "Deployment", "cpdb-pgbouncer");
        Map<String, Object> pgbouncer = container(resources, "Deployment", "cpdb-pgbouncer", "pgbouncer");
        List<Object> command = Yamls.list(pgbouncer, "command");
        String authFile = pgBouncerIni().get("pgbouncer").get("auth_file");

        assertEquals(Optional.of("configMap"), mountedVolumeKind(deployment, pgbouncer, parent(command.get(1))));
        assertEquals(Optional.of("secret"), mountedVolumeKind(deployment, pgbouncer, parent(authFile)));
    }

    @Test
    void theMigrationJobRunsTheMigrateCommandWithTheDeploymentsSettings() {
        List<Map<String, Object>> job = Yamls.load(Repository.deploy().resolve("jobs/migrate.yaml"));
        List<Map<String, Object>> withConfig = new ArrayList<>(job);
        withConfig.add(resource(render("base"), "ConfigMap", "cpdb"));
        Map<String, Object> cpdb = container(job, "Job", "cpdb-migrate", "cpdb");
        List<String> problems = new ArrayList<>();
        problems.addAll(ManifestRules.unknownVariables("Job", cpdb, configMaps(withConfig), ENVIRONMENT));
        problems.addAll(ManifestRules.literalSecrets(job));
        ManifestRules.unpinnedImage("Job", String.valueOf(cpdb.get("image"))).ifPresent(problems::add);
        problems.addAll(hardeningProblems(job.get(0)));

        assertEquals(List.of(), problems);
        assertEquals(List.of("migrate"), Yamls.list(cpdb, "args"));
        assertTrue(Repository.commandNames().contains("migrate"), "the jar has no 'migrate' command");
        assertEquals(ManifestRules.imageName(String.valueOf(cpdbContainer(render("base")).get("image"))),
                ManifestRules.imageName(String.valueOf(cpdb.get("image"))));
    }

    @Test
    void exampleFilesHoldPlaceholdersInsteadOfSecrets() {
        List<String> problems = new ArrayList<>();
        for (Path path : Repository.files(Repository.deploy(), ".example.env")) {
            Path file = Repository.root().relativize(path);
            PlainFiles.env(path).forEach((name, value) -> {
                if (name.endsWith("_URL")) {
                    DatabaseUrl url = DatabaseUrl.parse(name, value);
                    if (!ManifestRules.PLACEHOLDER.equals(url.password())) {
                        problems.add(file + ": " + name + " must use the password " + ManifestRules.PLACEHOLDER);
                    }
                } else if (ManifestRules.SECRET_NAME.matcher(name).matches()
                        && !ManifestRules.PLACEHOLDER.equals(value)) {
                    problems.add(file + ": " + name + " must be " + ManifestRules.PLACEHOLDER);
                }
                if (!ENVIRONMENT.reads(name)) {
                    problems.add(file + ": " + name + " is not a setting cpdb reads");
                }
            });
        }
        for (Path path : Repository.files(Repository.deploy(), "userlist.example.txt")) {
            Path file = Repository.root().relativize(path);
            for (String line : PlainFiles.lines(path)) {
                if (line.startsWith("\"") && !line.endsWith("\"" + ManifestRules.PLACEHOLDER + "\"")) {
                    problems.add(file + ": a password other than " + ManifestRules.PLACEHOLDER);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    static List<Map<String, Object>> render(String variant) {
        return Kustomize.build(Repository.deploy().resolve(variant));
    }

    static Map<String, Object> resource(List<Map<String, Object>> resources, String kind, String name) {
        return resources.stream()
                .filter(resource -> Kustomize.id(resource).equals(kind + "/" + name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
    }

    static Map<String, Object> container(List<Map<String, Object>> resources, String kind, String name,
            String container) {
        return ManifestRules.containers(resource(resources, kind, name)).stream()
                .filter(candidate -> container.equals(candidate.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(kind + "/" + name + " has no container " + container));
    }

    static Map<String, Object> cpdbDeployment(List<Map<String, Object>> resources) {
        return resource(resources, "Deployment", "cpdb");
    }

    static Map<String, Object> cpdbContainer(List<Map<String, Object>> resources) {
        return container(resources, "Deployment", "cpdb", "cpdb");
    }

    static Map<String, Map<String, Object>> configMaps(List<Map<String, Object>> resources) {
        Map<String, Map<String, Object>> configMaps = new LinkedHashMap<>();
        for (Map<String, Object> resource : resources) {
            if ("ConfigMap".equals(resource.get("kind"))) {
                configMaps.put(Yamls.text(resource, "metadata", "name").orElseThrow(),
                        Yamls.map(resource, "data"));
            }
        }
        return configMaps;
    }

    static Map<String, Map<String, Object>> env(Map<String, Object> container) {
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        for (Map<String, Object> variable : Yamls.maps(container, "env")) {
            env.put(String.valueOf(variable.get("name")), variable);
        }
        return env;
    }

    private static Map<String, String> exampleSecret(String variant) {
        return PlainFiles.env(Repository.deploy().resolve(variant).resolve("cpdb-secret.example.env"));
    }

    private static Map<String, Map<String, String>> pgBouncerIni() {
        return PlainFiles.ini(Repository.deploy().resolve("pgbouncer/pgbouncer.ini"));
    }

    /** The container port a probe or Service port refers to, by number or by name. */
    private static int containerPort(Map<String, Object> container, Object port) {
        for (Map<String, Object> declared : Yamls.maps(container, "ports")) {
            String number = String.valueOf(declared.get("containerPort"));
            if (String.valueOf(port).equals(declared.get("name")) || String.valueOf(port).equals(number)) {
                return Integer.parseInt(number);
            }
        }
        throw new AssertionError("container " + container.get("name") + " declares no port " + port);
    }

    /** How long a probe keeps failing before Kubernetes acts: periodSeconds x failureThreshold. */
    private static Duration window(Map<String, Object> container, String probe) {
        long period = Yamls.number(container, probe, "periodSeconds").orElse(10L);
        long failures = Yamls.number(container, probe, "failureThreshold").orElse(3L);
        return Duration.ofSeconds(period * failures);
    }

    private static long preStopSleepSeconds(Map<String, Object> container) {
        List<Object> command = Yamls.list(container, "lifecycle", "preStop", "exec", "command");
        if (command.size() == 2 && "sleep".equals(command.get(0))) {
            return Long.parseLong(String.valueOf(command.get(1)));
        }
        return Yamls.number(container, "lifecycle", "preStop", "sleep", "seconds").orElse(0L);
    }

    private static boolean disruptionBudgetCovers(List<Map<String, Object>> resources,
            Map<String, Object> deployment) {
        Map<String, Object> podLabels = Yamls.map(deployment, "spec", "template", "metadata", "labels");
        return resources.stream()
                .filter(resource -> "PodDisruptionBudget".equals(resource.get("kind")))
                .map(budget -> Yamls.map(budget, "spec", "selector", "matchLabels"))
                .anyMatch(selector -> !selector.isEmpty()
                        && podLabels.entrySet().containsAll(selector.entrySet()));
    }

    /** The kind of volume (emptyDir, configMap, secret, ...) mounted exactly at {@code path}. */
    private static Optional<String> mountedVolumeKind(Map<String, Object> workload, Map<String, Object> container,
            String path) {
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        for (Map<String, Object> volume : Yamls.maps(ManifestRules.podSpec(workload), "volumes")) {
            volumes.put(String.valueOf(volume.get("name")), volume);
        }
        return Yamls.maps(container, "volumeMounts").stream()
                .filter(mount -> String.valueOf(mount.get("mountPath")).equals(path))
                .map(mount -> volumes.get(String.valueOf(mount.get("name"))))
                .filter(volume -> volume != null)
                .flatMap(volume -> volume.keySet().stream().filter(key -> !key.equals("name")))
                .findFirst();
    }

    private static String parent(Object file) {
        String text = String.valueOf(file);
        return text.substring(0, text.lastIndexOf('/'));
    }

    /** Resources, non-root user, no privilege escalation, dropped capabilities, read-only root filesystem. */
    static List<String> hardeningProblems(Map<String, Object> resource) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> pod = ManifestRules.podSpec(resource);
        for (Map<String, Object> container : ManifestRules.containers(resource)) {
            String where = Kustomize.id(resource) + " container " + container.get("name");
            for (String kind : List.of("requests", "limits")) {
                if (Yamls.text(container, "resources", kind, "memory").isEmpty()) {
                    problems.add(where + ": no memory " + kind);
                }
            }
            if (Yamls.text(container, "resources", "requests", "cpu").isEmpty()) {
                problems.add(where + ": no cpu request");
            }
            boolean nonRoot = Yamls.text(container, "securityContext", "runAsNonRoot")
                    .or(() -> Yamls.text(pod, "securityContext", "runAsNonRoot"))
                    .map(Boolean::parseBoolean).orElse(false);
            if (!nonRoot) {
                problems.add(where + ": runAsNonRoot is not true");
            }
            if (!"false".equals(Yamls.text(container, "securityContext", "allowPrivilegeEscalation").orElse(""))) {
                problems.add(where + ": allowPrivilegeEscalation is not false");
            }
            if (!"true".equals(Yamls.text(container, "securityContext", "readOnlyRootFilesystem").orElse(""))) {
                problems.add(where + ": readOnlyRootFilesystem is not true");
            }
            if (!Yamls.list(container, "securityContext", "capabilities", "drop").contains("ALL")) {
                problems.add(where + ": capabilities are not dropped");
            }
        }
        return problems;
    }
}
