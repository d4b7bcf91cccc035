package dev.cpdb.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules every deployment file follows, each returning the problems it finds (empty when the rule holds), so
 * the same rule runs on the real files and on deliberately broken ones.
 */
final class ManifestRules {

    /** Placeholder that example files use wherever a real secret goes. */
    static final String PLACEHOLDER = "CHANGE_ME";

    /** Names whose values are secrets: they must come from a Secret (Kubernetes) or the environment (compose). */
    static final Pattern SECRET_NAME = Pattern.compile(
            ".*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY).*|DATABASE_URL|DATABASE_MIGRATION_URL");

    /** A URL with a password in it: {@code scheme://user:password@host}. */
    private static final Pattern URL_PASSWORD = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s/:@]+:([^\\s/@]+)@");

    /** A compose interpolation without a literal default: {@code ${NAME}}, {@code ${NAME:?message}}, {@code ${NAME:-}}. */
    private static final Pattern INTERPOLATION = Pattern
            .compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?\\?)[^}]*|:?-)?}");

    /** A version with at least two parts somewhere in a tag: 17.6, v1.25.1-p0, RELEASE.2025-04-22T22-12-26Z. */
    private static final Pattern VERSIONED_TAG = Pattern.compile("[0-9A-Za-z]\\.[0-9]");

    /** Stands for an interpolated value while scanning; cannot be a literal password ('$' and braces). */
    private static final String FROM_ENVIRONMENT = "${env}";

    private ManifestRules() {
    }

    /** Where the pod spec sits in a workload resource; empty for resources that run no pods. */
    static List<String> podSpecPath(Map<String, Object> resource) {
        return switch (String.valueOf(resource.get("kind"))) {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> List.of("spec", "template", "spec");
            case "CronJob" -> List.of("spec", "jobTemplate", "spec", "template", "spec");
            case "Pod" -> List.of("spec");
            default -> List.of();
        };
    }

    /** The pod spec of a workload resource, or an empty map. */
    static Map<String, Object> podSpec(Map<String, Object> resource) {
        List<String> path = podSpecPath(resource);
        return path.isEmpty() ? Map.of() : Yamls.map(resource, path.toArray(String[]::new));
    }

    /** Containers and init containers of a workload resource. */
    static List<Map<String, Object>> containers(Map<String, Object> resource) {
        Map<String, Object> spec = podSpec(resource);
        List<Map<String, Object>> containers = new ArrayList<>(Yamls.maps(spec, "initContainers"));
        containers.addAll(Yamls.maps(spec, "containers"));
        return containers;
    }

    /** An image reference without its tag or digest: {@code registry:5000/team/app:1.2} is {@code registry:5000/team/app}. */
    static String imageName(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int lastSlash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.indexOf(':', lastSlash + 1);
        return colon < 0 ? withoutDigest : withoutDigest.substring(0, colon);
    }

    /**
     * Problem with an image reference that is not pinned: no tag, "latest", or a tag without a dotted version (such
     * as "17-jre", which moves). A digest always pins.
     */
    static Optional<String> unpinnedImage(String where, String image) {
        if (image.contains("@sha256:")) {
            return Optional.empty();
        }
        String name = imageName(image);
        if (name.length() == image.length()) {
            return Optional.of(where + ": image '" + image + "' has no tag; pin a version");
        }
        String tag = image.substring(name.length() + 1);
        if (tag.isBlank() || tag.equals("latest")) {
            return Optional.of(where + ": image '" + image + "' uses '" + tag + "'; pin a version");
        }
        if (!VERSIONED_TAG.matcher(tag).find()) {
            return Optional.of(where + ": image '" + image + "' uses the floating tag '" + tag
                    + "'; pin a full version such as 1.2.3");
        }
        return Optional.empty();
    }

    /**
     * Variables a Kubernetes container sets that cpdb does not read: its {@code env} names and the keys of every
     * ConfigMap it takes with {@code envFrom}. Secrets taken whole with {@code envFrom} are refused because their
     * keys cannot be checked here.
     */
    static List<String> unknownVariables(String where, Map<String, Object> container,
            Map<String, Map<String, Object>> configMaps, ConfigEnvironment environment) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> variable : Yamls.maps(container, "env")) {
            String name = String.valueOf(variable.get("name"));
            if (!environment.reads(name)) {
                problems.add(where + ": env " + name + " is not a setting cpdb reads");
            }
        }
        for (Map<String, Object> source : Yamls.maps(container, "envFrom")) {
            Optional<String> configMap = Yamls.text(source, "configMapRef", "name");
            if (configMap.isEmpty()) {
                problems.add(where + ": envFrom " + source + " hides which variables are set; name them in env");
                continue;
            }
            Map<String, Object> data = configMaps.get(configMap.get());
            if (data == null) {
                problems.add(where + ": envFrom ConfigMap " + configMap.get() + " is not among the manifests");
                continue;
            }
            for (String key : data.keySet()) {
                if (!environment.reads(key)) {
                    problems.add(where + ": ConfigMap " + configMap.get() + " key " + key
                            + " is not a setting cpdb reads");
                }
            }
        }
        return problems;
    }

    /**
     * Secret values written into Kubernetes resources: a secret-named env entry with a literal value instead of a
     * {@code secretKeyRef}, a secret-named ConfigMap key, a Secret with data, or a password inside any URL.
     */
    static List<String> literalSecrets(List<Map<String, Object>> resources) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> resource : resources) {
            String id = Kustomize.id(resource);
            if ("Secret".equals(resource.get("kind"))
                    && (!Yamls.map(resource, "data").isEmpty() || !Yamls.map(resource, "stringData").isEmpty())) {
                problems.add(id + ": a Secret with values is in the repository; operators create it");
            }
            if ("ConfigMap".equals(resource.get("kind"))) {
                for (String key : Yamls.map(resource, "data").keySet()) {
                    if (SECRET_NAME.matcher(key).matches()) {
                        problems.add(id + ": key " + key + " holds a secret; take it from a Secret instead");
                    }
                }
            }
            for (Map<String, Object> container : containers(resource)) {
                for (Map<String, Object> variable : Yamls.maps(container, "env")) {
                    String name = String.valueOf(variable.get("name"));
                    if (SECRET_NAME.matcher(name).matches()
                            && Yamls.text(variable, "valueFrom", "secretKeyRef", "key").isEmpty()) {
                        problems.add(id + ": env " + name + " must come from a secretKeyRef, not a literal value");
                    }
                }
            }
            problems.addAll(passwordsInUrls(id, Yamls.scalars(resource)));
        }
        return problems;
    }

    /**
     * Passwords inside URLs among the given text values, except the example placeholder and compose
     * interpolations (the value then comes from the environment).
     */
    static List<String> passwordsInUrls(String where, Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        values.forEach((path, value) -> {
            Matcher matcher = URL_PASSWORD.matcher(withoutInterpolations(value, FROM_ENVIRONMENT));
            while (matcher.find()) {
                String password = matcher.group(1);
                if (!password.equals(PLACEHOLDER) && !password.equals(FROM_ENVIRONMENT)) {
                    problems.add(where + " " + path + ": a URL carries a literal password");
                }
            }
        });
        return problems;
    }

    /**
     * Secret-named compose environment entries whose value is not taken from the environment: allowed are
     * {@code ${NAME}}, {@code ${NAME:?message}} and {@code ${NAME:-}} (no literal default).
     */
    static List<String> literalComposeSecrets(String where, Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (SECRET_NAME.matcher(name).matches() && !name.endsWith("URL") && !isInterpolation(value)) {
                problems.add(where + ": " + name + " must come from the environment (${" + name + ":?...}), not "
                        + "a literal");
            }
        });
        problems.addAll(passwordsInUrls(where, environment));
        return problems;
    }

    /** Whether the whole value is one compose interpolation without a literal default. */
    static boolean isInterpolation(String value) {
        return INTERPOLATION.matcher(value).matches();
    }

    /** Replaces compose interpolations with {@code replacement}, to parse the URLs around them. */
    static String withoutInterpolations(String value, String replacement) {
        return INTERPOLATION.matcher(value).replaceAll(Matcher.quoteReplacement(replacement));
    }
}
