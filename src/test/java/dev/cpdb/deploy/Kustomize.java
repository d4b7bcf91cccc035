package dev.cpdb.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small Kustomize renderer for the layouts in {@code deploy/}: resources (files and bases), strategic-merge patches
 * from files, ConfigMaps generated from files or literals, and image overrides.
 *
 * <p>
 * It resolves exactly what the manifest checks look at (containers, env lists, volumes, ConfigMap data). Anything
 * else in a kustomization is refused by name, so a new Kustomize feature in {@code deploy/} fails these tests until
 * the renderer learns it, instead of being silently ignored. Generated ConfigMaps keep their plain name (Kustomize
 * adds a content hash and rewrites references; the checks do not depend on it).
 */
final class Kustomize {

    /** Kustomization keys this renderer understands; plain labels only add metadata that no check reads. */
    private static final Set<String> KNOWN_KEYS = Set.of("apiVersion", "kind", "resources", "patches",
            "configMapGenerator", "images", "labels");

    /** Lists that strategic merge patches merge element by element (by name) instead of replacing. */
    private static final Set<String> MERGED_BY_NAME = Set.of("containers", "initContainers", "env", "volumes",
            "volumeMounts", "ports");

    private Kustomize() {
    }

    /** Renders the kustomization in {@code directory}. */
    static List<Map<String, Object>> build(Path directory) {
        Path file = directory.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(directory + " has no kustomization.yaml");
        }
        Map<String, Object> kustomization = Yamls.load(file).get(0);
        for (String key : kustomization.keySet()) {
            if (!KNOWN_KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": the test renderer does not support '" + key
                        + "'; teach dev.cpdb.deploy.Kustomize what it means");
            }
        }
        for (Map<String, Object> labels : Yamls.maps(kustomization, "labels")) {
            if (labels.containsKey("includeSelectors") || labels.containsKey("includeTemplates")) {
                throw new IllegalArgumentException(file + ": labels that reach selectors or pod templates are not "
                        + "supported by the test renderer");
            }
        }
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Object entry : Yamls.list(kustomization, "resources")) {
            Path resource = directory.resolve(String.valueOf(entry)).normalize();
            if (Files.isDirectory(resource)) {
                resources.addAll(build(resource));
            } else {
                resources.addAll(Yamls.load(resource));
            }
        }
        for (Map<String, Object> generator : Yamls.maps(kustomization, "configMapGenerator")) {
            generateConfigMap(directory, generator, resources);
        }
        for (Map<String, Object> patch : Yamls.maps(kustomization, "patches")) {
            if (patch.keySet().stream().anyMatch(key -> !key.equals("path"))) {
                throw new IllegalArgumentException(file + ": only patches given by 'path' are supported: " + patch);
            }
            for (Map<String, Object> document : Yamls.load(directory.resolve(String.valueOf(patch.get("path"))))) {
                applyPatch(document, resources);
            }
        }
        for (Map<String, Object> image : Yamls.maps(kustomization, "images")) {
            overrideImage(image, resources);
        }
        return resources;
    }

    /** Kind and name of a resource, e.g. {@code Deployment/cpdb}. */
    static String id(Map<String, Object> resource) {
        return resource.get("kind") + "/" + Yamls.text(resource, "metadata", "name").orElse("?");
    }

    private static void generateConfigMap(Path directory, Map<String, Object> generator,
            List<Map<String, Object>> resources) {
        String name = String.valueOf(generator.get("name"));
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object literal : Yamls.list(generator, "literals")) {
            String text = String.valueOf(literal);
            int equals = text.indexOf('=');
            data.put(text.substring(0, equals), text.substring(equals + 1));
        }
        for (Object entry : Yamls.list(generator, "files")) {
            String text = String.valueOf(entry);
            int equals = text.indexOf('=');
            String key = equals < 0 ? Path.of(text).getFileName().toString() : text.substring(0, equals);
            Path source = directory.resolve(equals < 0 ? text : text.substring(equals + 1));
            try {
                data.put(key, Files.readString(source));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String behavior = String.valueOf(generator.getOrDefault("behavior", "create"));
        Map<String, Object> configMap = new LinkedHashMap<>();
        configMap.put("apiVersion", "v1");
        configMap.put("kind", "ConfigMap");
        configMap.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
        configMap.put("data", data);
        if (behavior.equals("create")) {
            resources.add(configMap);
        } else {
            applyPatch(configMap, resources);
        }
    }

    private static void applyPatch(Map<String, Object> patch, List<Map<String, Object>> resources) {
        String id = id(patch);
        for (int i = 0; i < resources.size(); i++) {
            if (id(resources.get(i)).equals(id)) {
                resources.set(i, mergeMaps(resources.get(i), patch));
                return;
            }
        }
        throw new IllegalArgumentException("patch for " + id + " matches no resource");
    }

    /** Strategic merge of two mappings: nested mappings merge, null deletes, named lists merge by name. */
    static Map<String, Object> mergeMaps(Map<String, Object> base, Map<String, Object> patch) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            Object current = merged.get(key);
            if (value == null) {
                merged.remove(key);
            } else if (current instanceof Map<?, ?> && value instanceof Map<?, ?>) {
                merged.put(key, mergeMaps(Yamls.map(current), Yamls.map(value)));
            } else if (MERGED_BY_NAME.contains(key) && current instanceof List<?> && value instanceof List<?>) {
                merged.put(key, mergeByName(Yamls.list(current), Yamls.list(value)));
            } else {
                merged.put(key, value);
            }
        }
        return merged;
    }

    private static List<Object> mergeByName(List<Object> base, List<Object> patch) {
        List<Object> merged = new ArrayList<>(base);
        for (Object element : patch) {
            Map<String, Object> patchElement = Yamls.map(element);
            Object key = mergeKey(patchElement);
            int index = -1;
            for (int i = 0; i < merged.size(); i++) {
                if (key != null && key.equals(mergeKey(Yamls.map(merged.get(i))))) {
                    index = i;
                }
            }
            if (index < 0) {
                merged.add(patchElement);
            } else {
                merged.set(index, mergeMaps(Yamls.map(merged.get(index)), patchElement));
            }
        }
        return merged;
    }

    private static Object mergeKey(Map<String, Object> element) {
        // Container ports merge on the port number, everything else on its name.
        return element.containsKey("containerPort") ? element.get("containerPort") : element.get("name");
    }

    private static void overrideImage(Map<String, Object> override, List<Map<String, Object>> resources) {
        String name = String.valueOf(override.get("name"));
        for (int i = 0; i < resources.size(); i++) {
            Map<String, Object> resource = resources.get(i);
            List<String> podSpec = ManifestRules.podSpecPath(resource);
            if (podSpec.isEmpty()) {
                continue;
            }
            for (Map<String, Object> container : ManifestRules.containers(resource)) {
                String image = String.valueOf(container.get("image"));
                if (!ManifestRules.imageName(image).equals(name)) {
                    continue;
                }
                String newName = Yamls.text(override, "newName").orElse(name);
                String reference = Yamls.text(override, "digest").map(digest -> "@" + digest)
                        .or(() -> Yamls.text(override, "newTag").map(tag -> ":" + tag))
                        .orElse(image.substring(name.length()));
                Map<String, Object> patch = Map.of("containers",
                        List.of(Map.of("name", container.get("name"), "image", newName + reference)));
                for (int step = podSpec.size() - 1; step >= 0; step--) {
                    patch = Map.of(podSpec.get(step), patch);
                }
                resource = mergeMaps(resource, patch);
            }
            resources.set(i, resource);
        }
    }
}
