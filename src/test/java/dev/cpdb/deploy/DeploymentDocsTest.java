package dev.cpdb.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The deployment texts an operator copies work as copied: the compose quick start's {@code .env} sets every variable
 * the compose file requires, PgBouncer configuration (files and snippets in the docs) has no comment behind a value,
 * PgBouncer's admin and stats users can log in, the README's prerequisites name what {@code .ci/run} installs, and
 * every backup status value the API answers is documented.
 */
class DeploymentDocsTest {

    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*):\\?");
    private static final Pattern PRINTF_ENV = Pattern.compile("printf '([^']*)'");
    private static final Pattern INI_BLOCK = Pattern.compile("```ini\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theComposeQuickStartsEnvFileSetsEveryVariableTheComposeFileRequires() {
        Path compose = Repository.deploy().resolve("compose/compose.yaml");
        Set<String> required = new TreeSet<>();
        Matcher variables = REQUIRED_VARIABLE.matcher(read(compose));
        while (variables.find()) {
            required.add(variables.group(1));
        }
        assertTrue(required.contains("MINIO_ROOT_USER"), "the scan found the compose file's variables: " + required);

        for (Path text : List.of(Repository.root().resolve("docs/deployment.md"), compose)) {
            Set<String> written = envWrittenByPrintf(read(text));
            Set<String> missing = new TreeSet<>(required);
            missing.removeAll(written);
            assertEquals(Set.of(), missing, Repository.root().relativize(text) + "'s .env line leaves out variables "
                    + "that stop docker compose up");
        }
    }

    @Test
    void pgBouncerSettingsNeverCarryACommentBehindTheirValue() {
        List<String> problems = new ArrayList<>();
        for (Path file : Repository.files(Repository.deploy(), ".ini")) {
            problems.addAll(commentsBehindValues(Repository.root().relativize(file).toString(), read(file)));
        }
        int blocks = 0;
        for (Path doc : Repository.files(Repository.root().resolve("docs"), ".md")) {
            Matcher block = INI_BLOCK.matcher(read(doc));
            while (block.find()) {
                blocks++;
                problems.addAll(commentsBehindValues(Repository.root().relativize(doc).toString(), block.group(1)));
            }
        }

        assertTrue(blocks > 0, "the docs have PgBouncer snippets to check");
        assertEquals(List.of(), problems);
    }

    @Test
    void pgBouncersAdminAndStatsUsersHaveAPasswordLine() {
        Path ini = Repository.deploy().resolve("pgbouncer/pgbouncer.ini");
        var settings = PlainFiles.ini(ini).get("pgbouncer");
        Set<String> users = new LinkedHashSet<>();
        for (String key : List.of("admin_users", "stats_users")) {
            String value = settings.get(key);
            assertTrue(value != null && !value.isBlank(), key + " is set, so SHOW POOLS and the exporter work");
            for (String user : value.split(",")) {
                users.add(user.strip());
            }
        }
        String userlist = read(Repository.deploy().resolve("pgbouncer/pgbouncer-userlist.example.txt"));
        for (String user : users) {
            assertTrue(userlist.contains("\"" + user + "\" \"CHANGE_ME\""),
                    user + " has a line in the userlist example");
            assertTrue(read(Repository.root().resolve("docs/deployment.md")).contains(user),
                    "docs/deployment.md creates the password of " + user);
        }
    }

    @Test
    void theReadmesPrerequisitesNameEveryPackageCiInstalls() {
        String prerequisites = section(read(Repository.root().resolve("README.md")), "## Prerequisites")
                .replaceAll("\\s+", " ");
        Matcher packages = Pattern.compile("need\\+=\\(([a-z0-9.+-]+)\\)").matcher(read(Repository.root()
                .resolve(".ci/run")));
        List<String> found = new ArrayList<>();
        while (packages.find()) {
            found.add(packages.group(1));
            assertTrue(prerequisites.contains(packages.group(1)), "README prerequisites name " + packages.group(1));
        }
        assertFalse(found.isEmpty(), ".ci/run installs packages");
        for (String tool : List.of("JDK 17", "curl", "Maven Central", "kubectl")) {
            assertTrue(prerequisites.contains(tool), "README prerequisites name " + tool);
        }
    }

    @Test
    void everyBackupStatusValueIsDocumented() {
        String catalog = read(Repository.root().resolve("src/main/resources/db/migration/V10__backup_catalog.sql"));
        Matcher check = Pattern.compile("status\\s+text\\s+NOT NULL CHECK \\(status IN \\(([^)]*)\\)\\)")
                .matcher(catalog);
        assertTrue(check.find(), "the run status constraint of backup_runs");
        Set<String> values = new TreeSet<>();
        for (String value : check.group(1).split(",")) {
            values.add(value.strip().replace("'", ""));
        }
        // The top-level status of a backup whose manifest is in the store (BackupResource).
        values.add("committed");
        String readme = read(Repository.root().resolve("README.md"));
        int statusText = readme.indexOf("A backup's top-level `status`");
        assertTrue(statusText >= 0, "the README explains a backup's status");
        String paragraph = readme.substring(statusText, readme.indexOf("\n\n", statusText));

        for (String value : values) {
            assertTrue(paragraph.contains("`" + value + "`"), "the README documents the status " + value);
        }
        assertTrue(paragraph.contains("`run.status`"), "and says which field holds the run's values");
    }

    private static List<String> commentsBehindValues(String where, String text) {
        List<String> problems = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#") || line.startsWith("[")) {
                continue;
            }
            int equals = line.indexOf('=');
            String value = equals < 0 ? line : line.substring(equals + 1);
            if (value.contains(";") || value.contains(" #")) {
                problems.add(where + ": PgBouncer reads the comment as part of the value: " + line);
            }
        }
        return problems;
    }

    private static Set<String> envWrittenByPrintf(String text) {
        Set<String> names = new TreeSet<>();
        Matcher printf = PRINTF_ENV.matcher(text);
        while (printf.find()) {
            if (!printf.group(1).contains(".env") && !printf.group(1).contains("=%s")) {
                continue;
            }
            for (String line : printf.group(1).split("\\\\n")) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    names.add(line.substring(0, equals).replaceFirst("^#\\s*", "").strip());
                }
            }
        }
        return names;
    }

    private static String section(String markdown, String heading) {
        int start = markdown.indexOf(heading);
        assertTrue(start >= 0, "README has " + heading);
        int end = markdown.indexOf("\n## ", start + heading.length());
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
