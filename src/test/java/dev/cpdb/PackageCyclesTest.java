package dev.cpdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The features of the service depend on each other in one direction only: no cycle between the top-level packages
 * ({@code dev.cpdb.agent} with its sub-packages is one node, the classes directly in {@code dev.cpdb} another). The
 * dependencies are read from the constant pools of the compiled main classes, which name every class a class refers
 * to (in code, signatures and annotations), as {@code jdeps} reads them.
 */
class PackageCyclesTest {

    private static final Pattern CLASS_NAME = Pattern.compile("dev/cpdb/[A-Za-z0-9_/$]+");

    @Test
    void noCycleBetweenTheMainFeatures() throws IOException, URISyntaxException {
        Map<String, Map<String, String>> graph = featureGraph(mainClasses());
        assertTrue(graph.getOrDefault("dev.cpdb.agent", Map.of()).containsKey("dev.cpdb.secret"),
                "the graph holds the dependencies it should (agents refer to secrets): " + graph.keySet());

        List<List<String>> cycles = cycles(graph);

        assertEquals(List.of(), describe(cycles, graph), "feature packages must not depend on each other in a cycle");
    }

    @Test
    void theCheckFindsACycleWhenThereIsOne() {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        graph.put("a", Map.of("b", "a.X -> b.Y"));
        graph.put("b", Map.of("c", "b.Y -> c.Z"));
        graph.put("c", Map.of("a", "c.Z -> a.X"));
        graph.put("d", Map.of("a", "d.W -> a.X"));

        assertEquals(List.of(List.of("a", "b", "c")), cycles(graph));
    }

    @Test
    void subPackagesFoldAsDocumented() {
        assertEquals("dev.cpdb.agent", feature("dev/cpdb/agent/grant/SecretGrant"));
        assertEquals("dev.cpdb", feature("dev/cpdb/InstanceDirectory"));
    }

    /** Each main class's file, from the folder (or jar) the main classes were loaded from. */
    private static List<Path> mainClasses() throws IOException, URISyntaxException {
        Path root = Path.of(CpdbConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(root), "main classes are read from a folder: " + root);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".class")).toList();
        }
    }

    /** Feature to the features it depends on, each with one example edge between classes. */
    private static Map<String, Map<String, String>> featureGraph(List<Path> classFiles) throws IOException {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        for (Path file : classFiles) {
            List<String> names = referencedClasses(file);
            if (names.isEmpty()) {
                continue;
            }
            String self = names.get(0);
            String from = feature(self);
            for (String name : names) {
                String to = feature(name);
                if (!to.equals(from)) {
                    graph.computeIfAbsent(from, ignored -> new TreeMap<>())
                            .putIfAbsent(to, self.replace('/', '.') + " -> " + name.replace('/', '.'));
                }
            }
        }
        return graph;
    }

    /**
     * The {@code dev/cpdb/...} class names in a class file's constant pool, the class itself first (read from
     * {@code this_class}).
     */
    private static List<String> referencedClasses(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
            if (data.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file: " + file);
            }
            data.readUnsignedShort();
            data.readUnsignedShort();
            int count = data.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classNameIndex = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = data.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = data.readUTF();
                    case 7 -> classNameIndex[i] = data.readUnsignedShort();
                    case 8, 16, 19, 20 -> data.readUnsignedShort();
                    case 15 -> {
                        data.readUnsignedByte();
                        data.readUnsignedShort();
                    }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> data.readInt();
                    case 5, 6 -> {
                        data.readLong();
                        i++;
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag + " in " + file);
                }
            }
            data.readUnsignedShort();
            String self = utf8[classNameIndex[data.readUnsignedShort()]];
            List<String> names = new ArrayList<>();
            names.add(self);
            for (String text : utf8) {
                if (text == null) {
                    continue;
                }
                Matcher matcher = CLASS_NAME.matcher(text);
                while (matcher.find()) {
                    names.add(matcher.group());
                }
            }
            return names;
        }
    }

    /** {@code dev.cpdb.X} for a class in {@code dev.cpdb.X} or below it; {@code dev.cpdb} for the root's classes. */
    static String feature(String internalName) {
        String[] parts = internalName.split("/");
        return parts.length <= 3 ? "dev.cpdb" : "dev.cpdb." + parts[2];
    }

    /** The strongly connected components with more than one node (Tarjan), each sorted, in a stable order. */
    static List<List<String>> cycles(Map<String, Map<String, String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> found = new ArrayList<>();
        Set<String> nodes = new TreeSet<>(graph.keySet());
        graph.values().forEach(edges -> nodes.addAll(edges.keySet()));
        for (String node : nodes) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, found);
            }
        }
        found.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return found;
    }

    private static void connect(String node, Map<String, Map<String, String>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<List<String>> found) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, found);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            List<String> component = new ArrayList<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }

    /** Each cycle with the edges inside it, e.g. {@code dev.cpdb.a -> dev.cpdb.b (a.X -> b.Y)}. */
    private static List<String> describe(List<List<String>> cycles, Map<String, Map<String, String>> graph) {
        List<String> lines = new ArrayList<>();
        for (List<String> cycle : cycles) {
            StringBuilder text = new StringBuilder("cycle " + cycle + ":");
            for (String from : cycle) {
                graph.getOrDefault(from, Map.of()).forEach((to, example) -> {
                    if (cycle.contains(to)) {
                        text.append("\n  ").append(from).append(" -> ").append(to).append(" (").append(example)
                                .append(')');
                    }
                });
            }
            lines.add(text.toString());
        }
        return lines;
    }
}
