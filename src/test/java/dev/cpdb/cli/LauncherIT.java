package dev.cpdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * {@code bin/cpdb}, the launcher: it finds the packaged application, gives the service and one-off commands the
 * build's class-data archive (or, on Java 25 and later, its ahead-of-time cache), passes arguments and environment
 * through and returns the command's exit status.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("bin", "cpdb");
    private static final Path ARCHIVE = Path.of("target", "quarkus-app", "cpdb-commands.jsa");

    @Test
    void theBuildLeavesAnArchiveThatCommandsLoadTheirClassesFrom() throws Exception {
        assertTrue(Files.size(ARCHIVE) > 0, "the package phase writes " + ARCHIVE);
        Path folder = TestFolders.create("launcher");
        Path classLog = folder.resolve("classes.log");

        Result result = run(Map.of("CPDB_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "backups", "list",
                "--target", folder.resolve("backups").toString(), "--json");

        assertEquals(0, result.exit(), result.stderr());
        assertEquals("[ ]", result.stdout().strip());
        String classes = Files.readString(classLog);
        assertTrue(classes.contains("dev.cpdb.cli.CpdbMain source: shared objects file (top)"),
                "cpdb's own classes come from the archive");
    }

    @Test
    void onJava25AndLaterTheServiceAndCommandsGetTheAheadOfTimeCacheAndOnOlderRuntimesTheArchive() throws Exception {
        // A stand-in runtime that prints the options it was started with, and an application folder with both files.
        Path app = TestFolders.create("launcher-app");
        Files.writeString(app.resolve("quarkus-run.jar"), "");
        Files.writeString(app.resolve("cpdb-commands.aot"), "");
        Files.writeString(app.resolve("cpdb-commands.jsa"), "");

        String on25 = run(Map.of("CPDB_APP_DIR", app.toString(), "JAVA_HOME", runtime("25.0.3").toString()),
                "status").stdout();
        String on17 = run(Map.of("CPDB_APP_DIR", app.toString(), "JAVA_HOME", runtime("17.0.15").toString()),
                "status").stdout();
        String serviceOn25 = run(Map.of("CPDB_APP_DIR", app.toString(), "JAVA_HOME", runtime("25.0.3").toString()))
                .stdout();

        assertTrue(on25.contains("-XX:AOTCache=" + app.toRealPath().resolve("cpdb-commands.aot")), on25);
        assertTrue(!on25.contains("-XX:SharedArchiveFile"), on25);
        assertTrue(on17.contains("-XX:SharedArchiveFile=" + app.toRealPath().resolve("cpdb-commands.jsa")), on17);
        assertTrue(!on17.contains("-XX:AOTCache"), on17);
        assertTrue(serviceOn25.contains("-XX:AOTCache=" + app.toRealPath().resolve("cpdb-commands.aot")), serviceOn25);
        assertTrue(!serviceOn25.contains("TieredStopAtLevel"), "the service keeps the full compiler: " + serviceOn25);
    }

    /** A Java home whose release file names {@code version} and whose {@code bin/java} echoes its arguments. */
    private static Path runtime(String version) throws IOException {
        Path home = TestFolders.create("launcher-runtime");
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        java.toFile().setExecutable(true);
        return home;
    }

    @Test
    void aBackupAndRestoreRunThroughTheLauncher() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase("launcher_source");
        DatabaseUrl target = TestPostgres.createDatabase("launcher_target");
        TestPostgres.execute(source, "CREATE TABLE notes (id int PRIMARY KEY, body text)");
        TestPostgres.execute(source, "INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 100) g");
        Path backups = TestFolders.create("launcher").resolve("backups");

        Result backup = run(Map.of("DATABASE_URL", TestPostgres.libpq(source), "CPDB_BACKUP_COMPRESSION_LEVEL", "9"),
                "backup", "--target", backups.toString(), "--json");
        assertEquals(0, backup.exit(), backup.stderr());
        Matcher backupId = Pattern.compile("\"backupId\" : \"([^\"]+)\"").matcher(backup.stdout());
        assertTrue(backupId.find(), backup.stdout());
        String id = backupId.group(1);

        Result restore = run(Map.of(), "restore", id, "--target", backups.toString(), "--target-url",
                TestPostgres.libpq(target));
        assertEquals(0, restore.exit(), restore.stderr());
        try (Connection connection = TestPostgres.connect(target);
                Statement sql = connection.createStatement();
                ResultSet rows = sql.executeQuery("SELECT count(*), sum(id) FROM notes")) {
            rows.next();
            assertEquals(100, rows.getLong(1));
            assertEquals(5050, rows.getLong(2));
        }
    }

    @Test
    void theCommandsExitStatusComesBack() throws Exception {
        Result result = run(Map.of(), "frobnicate");

        assertEquals(2, result.exit());
        assertTrue(result.stderr().contains("unknown command 'frobnicate'"), result.stderr());
    }

    @Test
    void aSymbolicLinkToTheLauncherFindsTheApplication() throws Exception {
        Path link = TestFolders.create("launcher-link").resolve("cpdb");
        Files.createSymbolicLink(link, LAUNCHER.toAbsolutePath());

        Result result = run(link, Map.of(), "backups", "list", "--target",
                TestFolders.create("launcher").resolve("backups").toString(), "--json");

        assertEquals(0, result.exit(), result.stderr());
        assertEquals("[ ]", result.stdout().strip());
    }

    @Test
    void aMissingApplicationIsNamed() throws Exception {
        Path empty = TestFolders.create("launcher-empty");

        Result result = run(Map.of("CPDB_APP_DIR", empty.toString()), "help");

        assertEquals(2, result.exit());
        assertTrue(result.stderr().contains("no quarkus-run.jar in " + empty), result.stderr());
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return run(LAUNCHER, environment, args);
    }

    private static Result run(Path launcher, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Path folder = TestFolders.create("launcher-output");
        Path out = folder.resolve("stdout.txt");
        Path err = folder.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("DATABASE_") || name.startsWith("CPDB_")
                || name.startsWith("QUARKUS_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/cpdb did not exit within 120 s: " + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
