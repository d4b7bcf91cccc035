package dev.cpdb.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cpdb.CpdbConfig;
import dev.cpdb.auth.AuthConfig;
import dev.cpdb.database.DatabaseConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The rules behind the manifest tests, shown to reject broken input (so a passing manifest test means something),
 * and the derivation of cpdb's environment variables, checked against SmallRye Config itself.
 */
class ManifestRulesTest {

    private static final ConfigEnvironment ENVIRONMENT = ConfigEnvironment.ofApplication();

    /** A Deployment with a misspelt variable, a literal token, a password in a URL and a secret in a ConfigMap. */
    private static final String BAD_MANIFEST = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cpdb
            data:
              CPDB_POOLER: transaction
              DATABASE_PASSWORD: hunter2
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: cpdb
            spec:
              template:
                spec:
                  containers:
                    - name: cpdb
                      image: cpdb
                      envFrom:
                        - configMapRef:
                            name: cpdb
                      env:
                        - name: DATABSE_URL
                          value: postgres://cpdb:hunter2@pgbouncer:6432/cpdb
                        - name: CPDB_ADMIN_TOKEN
                          value: a-literal-token-of-some-length
                        - name: DATABASE_MIGRATION_URL
                          valueFrom:
                            secretKeyRef:
                              name: cpdb
                              key: DATABASE_MIGRATION_URL
            """;

    @Test
    void derivedVariablesFollowSmallRyeNamingOfEveryMapping() {
        assertTrue(ENVIRONMENT.variables().containsAll(List.of("DATABASE_URL", "DATABASE_MIGRATION_URL",
                "DATABASE_POOL_MAX", "DATABASE_POOL_ACQUIRE_TIMEOUT", "DATABASE_CACHE_PREPARED_STATEMENTS",
                "CPDB_HOME", "CPDB_INSTANCE_ID", "CPDB_POOLER", "CPDB_EMBEDDED_OS_USER",
                "CPDB_EMBEDDED_START_TIMEOUT_SECONDS", "CPDB_MIGRATION_AUTO_APPLY", "CPDB_ADMIN_TOKEN")),
                ENVIRONMENT.toString());
        assertEquals("start-timeout-seconds",
                ConfigEnvironment.propertyName("startTimeoutSeconds", ConfigMapping.NamingStrategy.KEBAB_CASE));
        assertEquals("http-url", ConfigEnvironment.propertyName("httpURL", ConfigMapping.NamingStrategy.KEBAB_CASE));
        assertEquals("CPDB_EMBEDDED_OS_USER", ConfigEnvironment.environmentName("cpdb.embedded.os-user"));
    }

    @Test
    void smallRyeReadsTheDerivedVariableNames() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(CpdbConfig.class)
                .withMapping(DatabaseConfig.class)
                .withMapping(AuthConfig.class)
                // Quarkus' duration forms ("10s"), as in the application.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new EnvConfigSource(Map.of(
                        "CPDB_EMBEDDED_OS_USER", "pgrunner",
                        "CPDB_MIGRATION_AUTO_APPLY", "false",
                        "DATABASE_MIGRATION_URL", "postgres://u@direct/db",
                        "DATABASE_POOL_ACQUIRE_TIMEOUT", "7s",
                        "CPDB_ADMIN_TOKEN", "0123456789abcdef"), 300))
                .build();

        assertTrue(ENVIRONMENT.variables().containsAll(List.of("CPDB_EMBEDDED_OS_USER", "CPDB_MIGRATION_AUTO_APPLY",
                "DATABASE_MIGRATION_URL", "DATABASE_POOL_ACQUIRE_TIMEOUT", "CPDB_ADMIN_TOKEN")));
        assertEquals("pgrunner", config.getConfigMapping(CpdbConfig.class).embedded().osUser());
        assertFalse(config.getConfigMapping(CpdbConfig.class).migration().autoApply());
        assertEquals(Optional.of("postgres://u@direct/db"),
                config.getConfigMapping(DatabaseConfig.class).migrationUrl());
        assertEquals(7, config.getConfigMapping(DatabaseConfig.class).pool().acquireTimeout().toSeconds());
        assertEquals(Optional.of("0123456789abcdef"), config.getConfigMapping(AuthConfig.class).token());
    }

    @Test
    void aMisspeltVariableAndASecretInAConfigMapAreReportedAsUnknown() {
        List<Map<String, Object>> resources = Yamls.parse("bad manifest", BAD_MANIFEST);
        Map<String, Object> container = ManifestRules.containers(resources.get(1)).get(0);

        List<String> problems = ManifestRules.unknownVariables("bad", container,
                KubernetesManifestsTest.configMaps(resources), ENVIRONMENT);

        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("DATABSE_URL"), problems.toString());
        assertTrue(problems.get(1).contains("DATABASE_PASSWORD"), problems.toString());
    }

    @Test
    void literalSecretsInEnvConfigMapsAndUrlsAreReported() {
        List<String> problems = ManifestRules.literalSecrets(Yamls.parse("bad manifest", BAD_MANIFEST));
        String all = String.join("\n", problems);

        assertTrue(all.contains("key DATABASE_PASSWORD holds a secret"), all);
        assertTrue(all.contains("env CPDB_ADMIN_TOKEN must come from a secretKeyRef"), all);
        assertTrue(all.contains("a URL carries a literal password"), all);
        assertFalse(all.contains("DATABASE_MIGRATION_URL"), "a secretKeyRef is fine: " + all);
    }

    @Test
    void aSecretWithValuesIsReported() {
        List<Map<String, Object>> secret = Yamls.parse("secret", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: cpdb
                stringData:
                  CPDB_ADMIN_TOKEN: a-literal-token-of-some-length
                """);

        assertEquals(1, ManifestRules.literalSecrets(secret).size());
    }

    @Test
    void composeSecretsMustComeFromTheEnvironmentWithoutALiteralDefault() {
        List<String> problems = ManifestRules.literalComposeSecrets("cpdb", Map.of(
                "CPDB_ADMIN_TOKEN", "a-literal-token-of-some-length",
                "MINIO_ROOT_PASSWORD", "${MINIO_ROOT_PASSWORD:-minioadmin}",
                "POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:?set it}",
                "DATABASE_URL", "postgres://cpdb:${POSTGRES_PASSWORD:?set it}@pgbouncer:6432/cpdb",
                "DATABASE_MIGRATION_URL", "postgres://cpdb:hunter2@postgres:5432/cpdb"));
        String all = String.join("\n", problems);

        assertEquals(3, problems.size(), all);
        assertTrue(all.contains("CPDB_ADMIN_TOKEN"), all);
        assertTrue(all.contains("MINIO_ROOT_PASSWORD"), all);
        assertTrue(all.contains("DATABASE_MIGRATION_URL: a URL carries a literal password"), all);
    }

    @ParameterizedTest
    @ValueSource(strings = { "cpdb", "postgres:latest", "registry.example.com:5000/team/cpdb", "cpdb:",
            "eclipse-temurin:17-jre", "cpdb:dev" })
    void imagesWithoutAVersionAreReported(String image) {
        assertTrue(ManifestRules.unpinnedImage("test", image).isPresent(), image);
    }

    @ParameterizedTest
    @ValueSource(strings = { "cpdb:0.1.0", "registry.example.com:5000/team/cpdb:0.1.0", "postgres:17.6",
            "edoburu/pgbouncer:v1.25.1-p0", "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z",
            "postgres@sha256:0000000000000000000000000000000000000000000000000000000000000000" })
    void imagesWithATagOrDigestAreAccepted(String image) {
        assertEquals(Optional.empty(), ManifestRules.unpinnedImage("test", image));
    }

    @Test
    void theReadmeConfigurationTableNamesOnlySettingsCpdbReads() {
        List<String> problems = new ArrayList<>();
        boolean inTable = false;
        for (String line : PlainFiles.lines(Repository.root().resolve("README.md"))) {
            if (line.startsWith("## ")) {
                inTable = line.equals("## Configuration");
                continue;
            }
            if (!inTable || !line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String variable = cells[1].strip().replace("`", "");
            String property = cells[2].strip().replace("`", "");
            if (variable.contains("<")) {
                // A family of variables (plugin settings): its naming rule must hold for an example member.
                variable = variable.replace("<PLUGIN KEY>", "BILLING").replace("<NAME>", "RETRY_LIMIT");
                property = property.replace("<plugin key>", "billing").replace("<name>", "retry_limit");
            } else if (!ENVIRONMENT.reads(variable)) {
                problems.add(variable + " is documented but not read");
            }
            if (!ConfigEnvironment.environmentName(property).equals(variable)) {
                problems.add(variable + " is documented with the property " + property);
            }
        }
        assertEquals(List.of(), problems);
    }
}
