package dev.cpdb.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import dev.cpdb.health.DatabaseProbe;

/**
 * What the deployment files must agree with, read from the application itself: its HTTP port, health endpoint
 * paths and shutdown timeout from {@code application.properties} (with Quarkus' defaults where the file is
 * silent), and the readiness check's own time limit.
 */
final class ServiceFacts {

    private final Properties properties;

    private ServiceFacts(Properties properties) {
        this.properties = properties;
    }

    /** Facts of the application on the test class path. */
    static ServiceFacts load() {
        Properties properties = new Properties();
        try (InputStream in = ServiceFacts.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IllegalStateException("application.properties is not on the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ServiceFacts(properties);
    }

    /** {@code quarkus.http.port}, default 8080. */
    int httpPort() {
        return Integer.parseInt(properties.getProperty("quarkus.http.port", "8080"));
    }

    /** Liveness endpoint path. */
    String livenessPath() {
        return healthPath("quarkus.smallrye-health.liveness-path", "live");
    }

    /** Readiness endpoint path. */
    String readinessPath() {
        return healthPath("quarkus.smallrye-health.readiness-path", "ready");
    }

    /** Start-up endpoint path. */
    String startupPath() {
        return healthPath("quarkus.smallrye-health.startup-path", "started");
    }

    /** {@code quarkus.shutdown.timeout}: how long Quarkus drains requests on SIGTERM (no timeout when unset). */
    Duration shutdownTimeout() {
        return duration(properties.getProperty("quarkus.shutdown.timeout", "0s"));
    }

    /** The longest a readiness check waits for each database path (see {@link DatabaseProbe}). */
    static Duration readinessCheckTimeout() {
        return DatabaseProbe.STATEMENT_TIMEOUT;
    }

    private String healthPath(String property, String defaultPath) {
        String sub = properties.getProperty(property, defaultPath);
        if (sub.startsWith("/")) {
            return sub;
        }
        return nonApplicationPath(trim(properties.getProperty("quarkus.smallrye-health.root-path", "health")) + "/"
                + sub);
    }

    /** A path below Quarkus' non-application root ({@code /q} by default, relative to the HTTP root). */
    private String nonApplicationPath(String sub) {
        if (sub.startsWith("/")) {
            return sub;
        }
        String root = properties.getProperty("quarkus.http.non-application-root-path", "q");
        String base = root.startsWith("/") ? trim(root)
                : join(trim(properties.getProperty("quarkus.http.root-path", "/")), trim(root));
        return "/" + join(base, trim(sub));
    }

    private static String join(String first, String second) {
        return first.isEmpty() ? second : second.isEmpty() ? first : first + "/" + second;
    }

    private static String trim(String path) {
        String trimmed = path.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    /** Quarkus' duration forms: a number of seconds, a number with ms/s/m/h/d, or ISO-8601. */
    static Duration duration(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        if (value.matches("\\d+ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        if (value.matches("\\d+[smhd]")) {
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
    }
}
