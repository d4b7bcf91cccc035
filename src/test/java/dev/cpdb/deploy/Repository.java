package dev.cpdb.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.cpdb.CpdbConfig;
import dev.cpdb.cli.CliCommand;

/**
 * Files of this repository as the tests see them: the build runs with the project folder as working directory.
 */
final class Repository {

    private Repository() {
    }

    /** The project folder (the one holding {@code pom.xml} and {@code deploy/}). */
    static Path root() {
        Path folder = Path.of("").toAbsolutePath();
        while (folder != null) {
            if (Files.isRegularFile(folder.resolve("pom.xml")) && Files.isDirectory(folder.resolve("deploy"))) {
                return folder;
            }
            folder = folder.getParent();
        }
        throw new IllegalStateException("run the tests from the project folder: no pom.xml with deploy/ above "
                + Path.of("").toAbsolutePath());
    }

    /** {@code deploy/}. */
    static Path deploy() {
        return root().resolve("deploy");
    }

    /** Every file below {@code folder} whose name ends with one of {@code suffixes}, sorted. */
    static List<Path> files(Path folder, String... suffixes) {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile)
                    .filter(path -> Stream.of(suffixes).anyMatch(path.getFileName().toString()::endsWith))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every class compiled from {@code src/main/java}, loaded without initializing it. */
    static List<Class<?>> mainClasses() {
        Path folder;
        try {
            folder = Path.of(CpdbConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Class<?>> classes = new ArrayList<>();
        for (Path file : files(folder, ".class")) {
            String relative = folder.relativize(file).toString();
            String name = relative.substring(0, relative.length() - ".class".length())
                    .replace(file.getFileSystem().getSeparator(), ".");
            try {
                classes.add(Class.forName(name, false, Repository.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot load the compiled class " + name, e);
            }
        }
        return classes;
    }

    /**
     * Names of the jar's one-off commands. Each {@link CliCommand} class is built with null collaborators, which
     * {@code name()} does not use; a class that cannot be built that way is left out (and its name reported
     * missing).
     */
    static List<String> commandNames() {
        List<String> names = new ArrayList<>();
        for (Class<?> type : mainClasses()) {
            if (!CliCommand.class.isAssignableFrom(type) || type.isInterface()
                    || Modifier.isAbstract(type.getModifiers())) {
                continue;
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructors()[0];
                constructor.setAccessible(true);
                Object[] arguments = new Object[constructor.getParameterCount()];
                names.add(((CliCommand) constructor.newInstance(arguments)).name());
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Not buildable with nulls: its name stays unknown.
            }
        }
        return names;
    }
}
