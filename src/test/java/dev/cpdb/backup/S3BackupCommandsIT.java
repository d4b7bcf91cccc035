package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.S3ProxyServer;
import dev.cpdb.testing.TestPostgres;

/**
 * The backup commands of the packaged jar with an {@code s3://} target, configured only through environment
 * variables as an operator would: the default target from {@code CPDB_BACKUP_TARGET}, or {@code --target}.
 */
class S3BackupCommandsIT {

    @Test
    void backupListAndRestoreWorkWithABucket() {
        DatabaseUrl source = TestPostgres.createDatabase("cli_s3_source");
        TestPostgres.execute(source, "CREATE TABLE public.notes (id serial PRIMARY KEY, body text)");
        TestPostgres.execute(source, "INSERT INTO public.notes (body) SELECT 'n' || g FROM generate_series(1, 40) g");
        String target = "s3://" + S3ProxyServer.createBucket("cli") + "/cpdb/prod";
        Map<String, String> env = new HashMap<>(s3Environment());
        env.put("DATABASE_URL", TestPostgres.libpq(source));
        env.put("CPDB_BACKUP_TARGET", target);

        CpdbProcess backup = CpdbProcess.run(env, "backup");
        assertEquals(0, backup.exitCode(), backup.stderr());
        Matcher id = Pattern.compile("backup (\\S+) written to " + Pattern.quote(target)).matcher(backup.stdout());
        assertTrue(id.find(), backup.stdout());

        CpdbProcess list = CpdbProcess.run(s3Environment(), "backups", "list", "--target", target);
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().contains(id.group(1)), list.stdout());

        DatabaseUrl restored = TestPostgres.createDatabase("cli_s3_target");
        CpdbProcess restore = CpdbProcess.run(s3Environment(), "restore", id.group(1), "--target", target,
                "--target-url", TestPostgres.libpq(restored));
        assertEquals(0, restore.exitCode(), restore.stderr());
        assertTrue(restore.stdout().contains("1 tables, 40 rows"), restore.stdout());
    }

    @Test
    void aBadS3TargetIsReportedInOneLine() {
        CpdbProcess badBucket = CpdbProcess.run(s3Environment(), "backups", "list", "--target", "s3://Not_A_Bucket");
        assertNotEquals(0, badBucket.exitCode());
        assertTrue(badBucket.stderr().contains("'Not_A_Bucket' is not a valid bucket name"), badBucket.stderr());

        CpdbProcess noBucket = CpdbProcess.run(s3Environment(), "backups", "list", "--target", "s3:///cpdb");
        assertNotEquals(0, noBucket.exitCode());
        assertTrue(noBucket.stderr().contains("the bucket name is missing"), noBucket.stderr());
    }

    @Test
    void invalidS3SettingsStopStartUpNamingTheVariable() {
        Map<String, String> env = new HashMap<>(s3Environment());
        env.put("CPDB_BACKUP_S3_PART_SIZE", "1M");

        CpdbProcess help = CpdbProcess.run(env, "backups", "list", "--target", "s3://cpdb-backups");

        assertNotEquals(0, help.exitCode());
        assertTrue(help.stderr().contains("CPDB_BACKUP_S3_PART_SIZE (cpdb.backup.s3.part-size) must be between 5M"),
                help.stderr());
    }

    @Test
    void theTestS3ServerIsNotPartOfThePackagedApplication() throws IOException {
        Path libraries = Path.of(System.getProperty("cpdb.runner.jar", "target/quarkus-app/quarkus-run.jar"))
                .resolveSibling("lib").resolve("main");
        try (Stream<Path> jars = Files.list(libraries)) {
            List<String> names = jars.map(path -> path.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(name -> name.startsWith("software.amazon.awssdk.s3-")), "SDK bundled");
            assertEquals(List.of(), names.stream()
                    .filter(name -> name.startsWith("org.gaul.") || name.contains("jclouds") || name.contains("guice"))
                    .toList());
        }
    }

    /** The S3 settings an operator of an S3-compatible store sets, for the test server. */
    private static Map<String, String> s3Environment() {
        return Map.of(
                "CPDB_BACKUP_S3_ENDPOINT", S3ProxyServer.endpoint().toString(),
                "CPDB_BACKUP_S3_PATH_STYLE", "true",
                "CPDB_BACKUP_S3_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY_ID,
                "CPDB_BACKUP_S3_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_ACCESS_KEY);
    }
}
