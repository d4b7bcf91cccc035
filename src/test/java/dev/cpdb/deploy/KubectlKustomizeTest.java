package dev.cpdb.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every overlay rendered by the real {@code kubectl kustomize}, as {@code kubectl apply -k} would send it, with its
 * references checked: ConfigMaps (including generated, hash-suffixed ones), the Secrets an operator creates and
 * their keys, selectors, and the migrate Job's image and settings. Where {@code kubectl} is not installed these
 * tests are skipped with that reason; the checks of {@link KubernetesManifestsTest} (hand-written renderer) still
 * run.
 */
class KubectlKustomizeTest {

    /** The Secrets the deployment docs tell operators to create, each with the example file that lists its keys. */
    static final Map<String, Path> OPERATOR_SECRETS = Map.of(
            "cpdb-backup", Path.of("base", "cpdb-backup-secret.example.env"),
            "cpdb-pgbouncer", Path.of("pgbouncer", "pgbouncer-userlist.example.txt"));

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void everyConfigMapReferenceNamesARenderedConfigMapAndKey(String variant) {
        List<Map<String, Object>> resources = render(variant);
        Map<String, Map<String, Object>> configMaps = configMaps(resources);

        assertEquals(List.of(), configMapProblems(variant, resources, configMaps));
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void everySecretReferenceIsOneTheOperatorCreatesWithAKeyItsExampleNames(String variant) {
        assertEquals(List.of(), secretProblems(variant, render(variant)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void everySelectorFindsThePodsItIsMeantFor(String variant) {
        List<Map<String, Object>> resources = render(variant);
        List<Map<String, Object>> podLabels = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> resource : resources) {
            if ("Deployment".equals(resource.get("kind"))) {
                Map<String, Object> labels = Yamls.map(resource, "spec", "template", "metadata", "labels");
                podLabels.add(labels);
                if (!matches(Yamls.map(resource, "spec", "selector", "matchLabels"), labels)) {
                    problems.add(name(resource) + ": the selector does not match the pod template's labels");
                }
            }
        }
        for (Map<String, Object> resource : resources) {
            Map<String, Object> selector = switch (String.valueOf(resource.get("kind"))) {
                case "Service" -> Yamls.map(resource, "spec", "selector");
                case "PodDisruptionBudget" -> Yamls.map(resource, "spec", "selector", "matchLabels");
                case "NetworkPolicy" -> Yamls.map(resource, "spec", "podSelector", "matchLabels");
                default -> null;
            };
            if (selector == null) {
                continue;
            }
            if (selector.isEmpty()) {
                problems.add(name(resource) + ": selects every pod of the namespace");
            } else if (podLabels.stream().noneMatch(labels -> matches(selector, labels))) {
                problems.add(name(resource) + ": its selector " + selector + " matches no Deployment's pods");
            }
        }

        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "pgbouncer", "supavisor", "read-replicas" })
    void theHandWrittenRendererSeesTheSameCpdbEnvironmentAsKubectl(String variant) {
        Map<String, Object> kubectl = cpdbContainer(render(variant));
        Map<String, Object> handWritten = cpdbContainer(Kustomize.build(Repository.deploy().resolve(variant)));

        // By name: a strategic merge patch may put a patched entry first, and order means nothing without $(VAR).
        assertEquals(byName(handWritten), byName(kubectl));
        assertEquals(handWritten.get("image"), kubectl.get("image"));
    }

    @Test
    void theMigrateJobRunsTheDeploymentsImageWithSettingsTheBaseRenders() {
        List<Map<String, Object>> base = render("base");
        List<Map<String, Object>> job = Yamls.load(Repository.deploy().resolve("jobs/migrate.yaml"));
        Map<String, Object> migrate = ManifestRules.containers(job.get(0)).get(0);
        List<Map<String, Object>> withJob = new ArrayList<>(base);
        withJob.addAll(job);

        assertEquals(cpdbContainer(base).get("image"), migrate.get("image"),
                "deploy/jobs/migrate.yaml must run the image (and tag) the base renders for the Deployment");
        assertEquals(List.of(), configMapProblems("jobs", job, configMaps(withJob)));
        assertEquals(List.of(), secretProblems("base", job));
    }

    @Test
    void theServiceMonitorScrapesTheMetricsPortOfTheCpdbService() {
        List<Map<String, Object>> base = render("base");
        Map<String, Object> monitor = Yamls.load(Repository.deploy().resolve("monitoring/servicemonitor.yaml")).get(0);
        Map<String, Object> service = base.stream()
                .filter(resource -> "Service".equals(resource.get("kind")) && "cpdb".equals(name(resource)))
                .findFirst().orElseThrow();
        Map<String, Object> endpoint = Yamls.maps(monitor, "spec", "endpoints").get(0);

        assertTrue(matches(Yamls.map(monitor, "spec", "selector", "matchLabels"),
                Yamls.map(service, "metadata", "labels")), "the ServiceMonitor selects the Service cpdb");
        assertTrue(Yamls.maps(service, "spec", "ports").stream().anyMatch(port -> port.get("name")
                .equals(endpoint.get("port"))), "the Service has the port the ServiceMonitor scrapes");
        assertEquals("/q/metrics", endpoint.get("path"));
        Map<String, Object> annotations = Yamls.map(deployment(base), "spec", "template", "metadata", "annotations");
        assertEquals("/q/metrics", annotations.get("prometheus.io/path"));
        assertEquals(String.valueOf(ServiceFacts.load().httpPort()), annotations.get("prometheus.io/port"));
    }

    private static List<String> configMapProblems(String where, List<Map<String, Object>> resources,
            Map<String, Map<String, Object>> configMaps) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> resource : resources) {
            Map<String, Object> spec = ManifestRules.podSpec(resource);
            for (Map<String, Object> volume : Yamls.maps(spec, "volumes")) {
                Yamls.text(volume, "configMap", "name").filter(name -> !configMaps.containsKey(name))
                        .ifPresent(name -> problems.add(where + ": volume " + volume.get("name") + " mounts ConfigMap "
                                + name + ", which is not rendered"));
            }
            for (Map<String, Object> container : ManifestRules.containers(resource)) {
                for (Map<String, Object> source : Yamls.maps(container, "envFrom")) {
                    Yamls.text(source, "configMapRef", "name").filter(name -> !configMaps.containsKey(name))
                            .ifPresent(name -> problems.add(where + ": envFrom ConfigMap " + name
                                    + " is not rendered"));
                }
                for (Map<String, Object> variable : Yamls.maps(container, "env")) {
                    Optional<String> name = Yamls.text(variable, "valueFrom", "configMapKeyRef", "name");
                    Optional<String> key = Yamls.text(variable, "valueFrom", "configMapKeyRef", "key");
                    if (name.isPresent() && (!configMaps.containsKey(name.get())
                            || !configMaps.get(name.get()).containsKey(key.orElse("")))) {
                        problems.add(where + ": env " + variable.get("name") + " reads " + name.get() + "/"
                                + key.orElse("") + ", which is not rendered");
                    }
                }
            }
        }
        return problems;
    }

    private static List<String> secretProblems(String variant, List<Map<String, Object>> resources) {
        Map<String, Set<String>> secrets = operatorSecrets(variant);
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> resource : resources) {
            for (Map<String, Object> volume : Yamls.maps(ManifestRules.podSpec(resource), "volumes")) {
                Yamls.text(volume, "secret", "secretName").filter(name -> !secrets.containsKey(name))
                        .ifPresent(name -> problems.add(variant + ": volume " + volume.get("name") + " mounts Secret "
                                + name + ", which the docs do not tell operators to create"));
            }
            for (Map<String, Object> container : ManifestRules.containers(resource)) {
                for (Map<String, Object> source : Yamls.maps(container, "envFrom")) {
                    Yamls.text(source, "secretRef", "name").ifPresent(name -> problems.add(variant
                            + ": envFrom Secret " + name + " hides which keys it needs; name them in env"));
                }
                for (Map<String, Object> variable : Yamls.maps(container, "env")) {
                    Optional<String> name = Yamls.text(variable, "valueFrom", "secretKeyRef", "name");
                    if (name.isEmpty()) {
                        continue;
                    }
                    String key = Yamls.text(variable, "valueFrom", "secretKeyRef", "key").orElse("");
                    boolean optional = Yamls.text(variable, "valueFrom", "secretKeyRef", "optional")
                            .map(Boolean::parseBoolean).orElse(false);
                    if (!secrets.containsKey(name.get())) {
                        problems.add(variant + ": env " + variable.get("name") + " reads Secret " + name.get()
                                + ", which the docs do not tell operators to create");
                    } else if (!optional && !secrets.get(name.get()).contains(key)) {
                        problems.add(variant + ": env " + variable.get("name") + " needs key " + key + " of Secret "
                                + name.get() + ", which its example file does not list");
                    }
                }
            }
        }
        return problems;
    }

    /** Secret names of a variant with the keys their example files list (commented-out lines included). */
    static Map<String, Set<String>> operatorSecrets(String variant) {
        Map<String, Set<String>> secrets = new LinkedHashMap<>();
        secrets.put("cpdb", envKeys(Repository.deploy().resolve(variant).resolve("cpdb-secret.example.env")));
        secrets.put("cpdb-backup", envKeys(Repository.deploy().resolve(OPERATOR_SECRETS.get("cpdb-backup"))));
        if (variant.equals("pgbouncer") || variant.equals("read-replicas")) {
            secrets.put("cpdb-pgbouncer", Set.of(OPERATOR_SECRETS.get("cpdb-pgbouncer").getFileName().toString()
                    .replace(".example", "").replace("pgbouncer-", "")));
        }
        return secrets;
    }

    private static Set<String> envKeys(Path file) {
        Set<String> keys = new TreeSet<>();
        for (String line : PlainFiles.lines(file)) {
            String text = line.strip().replaceFirst("^#", "");
            int equals = text.indexOf('=');
            if (equals > 0 && text.substring(0, equals).matches("[A-Z][A-Z0-9_]*")) {
                keys.add(text.substring(0, equals));
            }
        }
        return keys;
    }

    private static Map<String, Map<String, Object>> byName(Map<String, Object> container) {
        Map<String, Map<String, Object>> env = new java.util.TreeMap<>();
        for (Map<String, Object> variable : Yamls.maps(container, "env")) {
            env.put(String.valueOf(variable.get("name")), variable);
        }
        return env;
    }

    private static boolean matches(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(entry -> String.valueOf(entry.getValue()).equals(String.valueOf(labels.get(entry.getKey()))));
    }

    private static Map<String, Map<String, Object>> configMaps(List<Map<String, Object>> resources) {
        Map<String, Map<String, Object>> configMaps = new LinkedHashMap<>();
        for (Map<String, Object> resource : resources) {
            if ("ConfigMap".equals(resource.get("kind"))) {
                configMaps.put(name(resource), Yamls.map(resource, "data"));
            }
        }
        return configMaps;
    }

    private static Map<String, Object> deployment(List<Map<String, Object>> resources) {
        return resources.stream()
                .filter(resource -> "Deployment".equals(resource.get("kind")) && "cpdb".equals(name(resource)))
                .findFirst().orElseThrow(() -> new AssertionError("no Deployment cpdb"));
    }

    private static Map<String, Object> cpdbContainer(List<Map<String, Object>> resources) {
        return ManifestRules.containers(deployment(resources)).stream()
                .filter(container -> "cpdb".equals(container.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no container cpdb"));
    }

    private static String name(Map<String, Object> resource) {
        return Yamls.text(resource, "metadata", "name").orElse("?");
    }

    /** The overlay as {@code kubectl kustomize} renders it; skips the test when kubectl is not installed. */
    static List<Map<String, Object>> render(String variant) {
        Optional<Path> kubectl = kubectl();
        assumeTrue(kubectl.isPresent(), "kubectl is not installed, so the overlays are not rendered by it here "
                + "(the hand-written renderer's checks in KubernetesManifestsTest still ran)");
        Path folder = Repository.deploy().resolve(variant);
        try {
            Process process = new ProcessBuilder(kubectl.get().toString(), "kustomize", folder.toString())
                    .redirectErrorStream(false)
                    .start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
            assertEquals(0, process.exitValue(), "kubectl kustomize " + folder + " failed: " + err);
            List<Map<String, Object>> resources = Yamls.parse("kubectl kustomize " + variant,
                    new String(out, StandardCharsets.UTF_8));
            assertFalse(resources.isEmpty(), "kubectl kustomize " + folder + " rendered nothing");
            return resources;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + kubectl.get() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Optional<Path> kubectl() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .filter(folder -> !folder.isBlank())
                .map(folder -> Path.of(folder, "kubectl"))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
