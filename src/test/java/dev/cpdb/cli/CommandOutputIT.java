package dev.cpdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * A command prints its answer and the errors that matter to the operator, and checks its arguments before it starts
 * anything: the database, the instance folder.
 */
class CommandOutputIT {

    /** A log line of a library (Quarkus, Vert.x, Micrometer, Flyway, ...) rather than cpdb's own words. */
    private static final Pattern FRAMEWORK_LOG = Pattern.compile(
            "(?m)^.*\\b(TRACE|DEBUG|INFO|WARN|ERROR)\\s+\\[(io|org|com|net)\\.");

    @Test
    void commandsPrintNoFrameworkLogLines() {
        DatabaseUrl database = TestPostgres.createDatabase("cli_quiet");
        Map<String, String> env = Map.of("DATABASE_URL", TestPostgres.libpq(database));

        CpdbProcess migrate = CpdbProcess.run(env, "migrate");
        assertEquals(0, migrate.exitCode(), migrate.stderr());
        assertQuiet(migrate);
        CpdbProcess status = CpdbProcess.run(env, "status");
        assertEquals(0, status.exitCode(), status.stderr());
        assertQuiet(status);
        assertEquals("", status.stderr());

        Path home = TestFolders.create("cpdb-quiet-home");
        CpdbProcess list = CpdbProcess.run(Map.of("CPDB_HOME", home.toString()), "backups", "list", "--target",
                home.resolve("backups").toString());
        assertEquals(0, list.exitCode(), list.stderr());
        assertEquals("", list.stderr());
        assertTrue(list.stdout().startsWith("ID "), list.stdout());
    }

    @Test
    void helpAfterACommandPrintsItsUsageWithoutStartingAnything() throws IOException {
        Path home = TestFolders.create("cpdb-help-home");
        CpdbProcess help = CpdbProcess.run(Map.of("CPDB_HOME", home.toString()), "restore", "--help");

        assertEquals(0, help.exitCode(), help.stderr());
        assertTrue(help.stdout().startsWith("usage: restore  <id|path>"), help.stdout());
        assertEquals("", help.stderr());
        assertNothingIn(home);
    }

    @Test
    void wrongArgumentsExitWithStatus2NamingThemBeforeAnythingStarts() throws IOException {
        List<List<String>> cases = List.of(
                List.of("restore", "not-a-backup", "'not-a-backup' is neither a backup id"),
                List.of("restore", "20260101T000000Z-abcdef", "--target", "ftp://host/backups",
                        "--target: backup target 'ftp://host/backups' is neither a folder path"),
                List.of("restore", "20260101T000000Z-abcdef", "--target-url", "postgres://u:p@h:notaport/x",
                        "--target-url is not a valid PostgreSQL URL"),
                List.of("verify", "20260101T000000Z-abcdef", "--target", "s3://",
                        "--target: backup target 's3://' is not a valid S3 location: the bucket name is missing"),
                List.of("verify", "--json", "expected one backup id or backup folder"),
                List.of("backups", "list", "--target", "s3://bucket?x=1", "--target: backup target 's3://bucket?x=1'"),
                List.of("backups", "show", "latest", "'latest' is neither a backup id"),
                List.of("backups", "prune", "--keep", "3", "unknown option --keep"),
                List.of("backups", "prune", "--target", "s3://", "--target: backup target 's3://'"),
                List.of("backup", "--target", "http://host/x", "--target: backup target 'http://host/x'"),
                List.of("settings", "set", "backup.retention.days", "two",
                        "backup.retention.days is \"two\"; use a whole number"),
                List.of("settings", "set", "backup.no.such.setting", "1",
                        "no setting is called 'backup.no.such.setting'"));
        for (List<String> wrong : cases) {
            List<String> args = wrong.subList(0, wrong.size() - 1);
            String message = wrong.get(wrong.size() - 1);
            Path home = TestFolders.create("cpdb-usage-home");

            CpdbProcess cpdb = CpdbProcess.run(Map.of("CPDB_HOME", home.toString()), args.toArray(String[]::new));

            assertEquals(2, cpdb.exitCode(), args + ": " + cpdb.stderr());
            assertTrue(cpdb.stderr().contains(message), args + ": " + cpdb.stderr());
            assertTrue(cpdb.stderr().contains("usage: "), cpdb.stderr());
            assertQuiet(cpdb);
            assertNothingIn(home);
        }
    }

    private static void assertQuiet(CpdbProcess cpdb) {
        assertFalse(FRAMEWORK_LOG.matcher(cpdb.stderr()).find(), cpdb.stderr());
        assertFalse(FRAMEWORK_LOG.matcher(cpdb.stdout()).find(), cpdb.stdout());
    }

    /** Nothing was created under the instance home: no instance folder, no embedded server, no key file. */
    private static void assertNothingIn(Path home) throws IOException {
        try (Stream<Path> files = Files.list(home)) {
            assertEquals(List.of(), files.toList());
        }
    }
}
