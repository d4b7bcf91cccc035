package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every Java file in {@code src/main/java} that talks to the runtime pool keeps its SQL pooler-safe, because the
 * runtime pool may sit behind a transaction pooler that hands each server connection from client to client (our
 * own rule, see the style guide's data-access section). The detector itself is tested in {@link PoolerUnsafeSqlTest}.
 */
class RuntimeSqlIsPoolerSafeTest {

    private static final Path MAIN_SOURCES = Path.of("src", "main", "java");

    /**
     * What marks a file as a user of the runtime pool: a Vert.x SQL client type, or a call of {@code Database.pool()},
     * since code such as health checks runs SQL on the pool without naming any Vert.x type.
     */
    private static final Pattern USES_RUNTIME_POOL = Pattern.compile(
            "\\bio\\.vertx\\.(mutiny\\.)?(sqlclient|pgclient)\\.|\\.pool\\(\\)");

    @Test
    void noRuntimePoolUserInTheMainSourcesContainsSessionLevelSql() throws IOException {
        List<Path> runtimeUsers = runtimePoolUsers();
        List<String> problems = new ArrayList<>();
        int texts = 0;
        for (Path file : runtimeUsers) {
            String source = Files.readString(file, StandardCharsets.UTF_8);
            texts += PoolerUnsafeSql.literals(source).size();
            for (PoolerUnsafeSql.Finding finding : PoolerUnsafeSql.inJavaSource(source)) {
                problems.add(MAIN_SOURCES.relativize(file) + " " + finding);
            }
        }

        assertEquals(List.of(), problems, "SQL that would leak state through a transaction pooler");
        // Guards against a scan that passes because it read nothing.
        assertTrue(texts > 0, "no string literals found in " + runtimeUsers);
    }

    @Test
    void theScanFindsTheKnownUsersOfTheRuntimePool() throws IOException {
        List<String> names = runtimePoolUsers().stream()
                .map(file -> file.getFileName().toString())
                .toList();

        assertTrue(names.contains("DatabaseProbe.java"), "scanned: " + names);
        assertFalse(names.contains("DirectConnections.java"), "the direct path is JDBC and may use session state");
    }

    private static List<Path> runtimePoolUsers() throws IOException {
        assertTrue(Files.isDirectory(MAIN_SOURCES), MAIN_SOURCES.toAbsolutePath() + " not found; run from the "
                + "project folder");
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            List<Path> users = new ArrayList<>();
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                if (USES_RUNTIME_POOL.matcher(Files.readString(file, StandardCharsets.UTF_8)).find()) {
                    users.add(file);
                }
            }
            return users;
        }
    }
}
