package dev.cpdb.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * {@code src/main/docker/Dockerfile.jvm} against the packaged application and the manifests that run it. No image
 * is built here (the tests need no Docker engine); the instructions are read as text.
 */
class ContainerImageTest {

    static final Path DOCKERFILE = Repository.root().resolve("src/main/docker/Dockerfile.jvm");
    private static final ServiceFacts FACTS = ServiceFacts.load();

    @Test
    void theHeaderSaysHowToBuildTheImage() {
        String text = read(DOCKERFILE);

        assertTrue(text.contains("./mvnw -B package -DskipTests"), "the header must show the package step");
        assertTrue(text.contains("docker build -f src/main/docker/Dockerfile.jvm"), "the header must show the build");
    }

    @Test
    void theBaseImageIsPinnedByTag() {
        String from = instruction("FROM").get(0).split("\\s+")[0];

        assertEquals(Optional.empty(), ManifestRules.unpinnedImage("FROM", from));
    }

    @Test
    void theImageCopiesTheFastJarLayoutAndStartsItThroughTheLauncher() {
        String copies = String.join("\n", instruction("COPY"));

        for (String part : List.of("target/quarkus-app/lib/", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/", "target/quarkus-app/*.jar", "bin/cpdb /deployments/bin/cpdb")) {
            assertTrue(copies.contains(part), "no COPY of " + part);
        }
        // bin/cpdb finds quarkus-run.jar one folder up from itself: /deployments.
        assertTrue(copies.contains("target/quarkus-app/*.jar /deployments/"), copies);
        assertEquals("[\"/deployments/bin/cpdb\"]", instruction("ENTRYPOINT").get(0));
        String dockerignore = read(Repository.root().resolve(".dockerignore"));
        assertTrue(dockerignore.contains("!target/quarkus-app/") && dockerignore.contains("!bin/cpdb"),
                ".dockerignore must let the packaged application and its launcher into the build context");
    }

    @Test
    void theServiceKeepsItsMemoryAndFailureSettingsAndCommandsGetTheImagesOwnArchive() {
        String env = String.join("\n", instruction("ENV"));
        assertTrue(env.contains("CPDB_JAVA_OPTS=\"-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError\""), env);

        String run = String.join("\n", instruction("RUN"));
        assertTrue(run.contains("-XX:ArchiveClassesAtExit=/deployments/cpdb-commands.jsa.partial"), run);
        assertTrue(run.contains("mv /deployments/cpdb-commands.jsa.partial /deployments/cpdb-commands.jsa"), run);
    }

    @Test
    void theProcessRunsAsTheUnprivilegedUserTheManifestsExpect() {
        String user = instruction("USER").get(0).split(":")[0];
        Map<String, Object> deployment = KubernetesManifestsTest.cpdbDeployment(KubernetesManifestsTest.render(
                "base"));

        assertTrue(user.matches("[1-9][0-9]*"), "USER must be a non-zero numeric id for runAsNonRoot: " + user);
        assertEquals(user, Yamls.text(ManifestRules.podSpec(deployment), "securityContext", "runAsUser")
                .orElse(null));
    }

    @Test
    void theImageExposesTheApplicationsHttpPort() {
        assertEquals(String.valueOf(FACTS.httpPort()), instruction("EXPOSE").get(0).split("/")[0]);
    }

    @Test
    void cpdbHomeIsWhereTheManifestsMountAWritableVolume() {
        Map<String, Object> cpdb = KubernetesManifestsTest.cpdbContainer(KubernetesManifestsTest.render("base"));

        assertEquals(dockerfileEnv().get("CPDB_HOME"),
                Yamls.text(KubernetesManifestsTest.env(cpdb).get("CPDB_HOME"), "value").orElse(null));
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    /** The {@code ENV} settings of the Dockerfile. */
    static Map<String, String> dockerfileEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String arguments : instruction("ENV")) {
            for (String pair : arguments.split("\\s+")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    env.put(pair.substring(0, equals), pair.substring(equals + 1));
                }
            }
        }
        return env;
    }

    /** Arguments of every instruction named {@code name}, with continuation lines joined and comments dropped. */
    static List<String> instruction(String name) {
        List<String> found = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : PlainFiles.lines(DOCKERFILE)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                String text = current.toString().strip();
                current.setLength(0);
                String[] parts = text.split("\\s+", 2);
                if (parts[0].equalsIgnoreCase(name) && parts.length > 1) {
                    found.add(parts[1]);
                }
            }
        }
        assertTrue(!found.isEmpty(), "the Dockerfile has no " + name + " instruction");
        return found;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
