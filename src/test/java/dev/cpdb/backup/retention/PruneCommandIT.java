package dev.cpdb.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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

import com.fasterxml.jackson.databind.JsonNode;

import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.backup.store.StoredKeys;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * {@code backups prune} of the packaged jar on a folder holding a real backup (written by the {@code backup} command,
 * so its manifest is the service's own), old fake backups, a leftover and a foreign file; with the default policy
 * (7 days, 4 weeks, 1 month, at least 3), the real backup and the two newest old ones stay. Prune needs no database.
 */
class PruneCommandIT {

    @Test
    void pruneDeletesWhatThePolicyDoesNotKeepAndSaysWhy() throws Exception {
        Path folder = TestFolders.create("cpdb-cli-prune");
        FilesystemBackupStore store = new FilesystemBackupStore(folder);
        String real = realBackup(folder);
        List<String> old = new ArrayList<>();
        for (int day = 1; day <= 5; day++) {
            old.add(FakeBackups.commit(store, Instant.parse("2020-01-0" + day + "T12:00:00Z")));
        }
        String leftover = "20200101T000000Z-abcdef/data.sql.zst";
        store.write(leftover, "a backup that died before its manifest".getBytes(StandardCharsets.UTF_8));
        store.write("notes.txt", "an operator's notes".getBytes(StandardCharsets.UTF_8));
        Map<Path, Long> before = files(folder);

        CpdbProcess dry = CpdbProcess.run(Map.of(), "backups", "prune", "--target", folder.toString(), "--dry-run");

        assertEquals(0, dry.exitCode(), dry.stderr());
        assertEquals(before, files(folder), "a dry run deletes nothing");
        String text = dry.stdout();
        assertTrue(Pattern.compile("keep +" + real + " .*newest backup; within 7 days").matcher(text).find(), text);
        assertTrue(Pattern.compile("keep +" + old.get(3) + " .*one of the 3 newest").matcher(text).find(), text);
        for (String id : old.subList(0, 3)) {
            assertTrue(Pattern.compile("would delete +" + id + " .*kept by no rule").matcher(text).find(), text);
        }
        assertTrue(text.contains("would delete " + leftover + ": data object without manifest"), text);
        assertTrue(text.contains("3 kept, 3 would be deleted, 1 leftover would be removed, 0 errors"), text);

        CpdbProcess json = CpdbProcess.run(Map.of(), "backups", "prune", "--target", folder.toString(), "--json");

        assertEquals(0, json.exitCode(), json.stderr());
        JsonNode report = FakeBackups.JSON.readTree(json.stdout());
        Map<String, String> actions = new HashMap<>();
        report.get("backups").forEach(backup -> actions.put(backup.get("id").asText(), backup.get("action").asText()));
        assertEquals(Map.of(real, "KEPT", old.get(4), "KEPT", old.get(3), "KEPT", old.get(2), "DELETED",
                old.get(1), "DELETED", old.get(0), "DELETED"), actions);
        assertEquals("NEWEST", report.get("backups").get(0).get("reasons").get(0).get("rule").asText());
        assertEquals("DELETED", report.get("leftovers").get(0).get("action").asText());
        assertEquals(1, report.get("foreignObjects").asInt());
        assertEquals("PT6H", report.get("leftoverAge").asText());
        Set<String> expected = new TreeSet<>(Set.of("notes.txt"));
        for (String id : List.of(real, old.get(4), old.get(3))) {
            StoredKeys.of(store, id + "/").forEach(expected::add);
        }
        assertEquals(expected, new TreeSet<>(StoredKeys.of(store, "")));

        CpdbProcess again = CpdbProcess.run(Map.of(), "backups", "prune", "--target", folder.toString());

        assertEquals(0, again.exitCode(), again.stderr());
        assertTrue(again.stdout().contains("3 kept, 0 deleted, 0 leftovers removed, 0 errors"), again.stdout());
    }

    @Test
    void settingsTheRetentionEnvironmentChangesThePolicy() throws IOException {
        Path folder = TestFolders.create("cpdb-cli-prune-env");
        FilesystemBackupStore store = new FilesystemBackupStore(folder);
        String newer = FakeBackups.commit(store, Instant.parse("2020-01-02T00:00:00Z"));
        String older = FakeBackups.commit(store, Instant.parse("2020-01-01T00:00:00Z"));

        CpdbProcess prune = CpdbProcess.run(Map.of("CPDB_BACKUP_RETENTION_MIN_COUNT", "1"), "backups", "prune",
                "--target", folder.toString());

        assertEquals(0, prune.exitCode(), prune.stderr());
        assertTrue(Pattern.compile("(?m)^deleted +" + older + " ").matcher(prune.stdout()).find(), prune.stdout());
        assertEquals(List.of(newer + "/" + FakeBackups.DATA, newer + "/" + BackupManifest.FILE_NAME),
                StoredKeys.of(store, ""));
    }

    @Test
    void invalidSettingsAndTargetsFailWithAReason() {
        CpdbProcess negative = CpdbProcess.run(Map.of("CPDB_BACKUP_RETENTION_DAYS", "-1"), "backups", "prune",
                "--target", TestFolders.create("cpdb-cli-prune-bad").toString());
        assertNotEquals(0, negative.exitCode());
        assertTrue(negative.stderr().contains("cpdb: CPDB_BACKUP_RETENTION_DAYS (cpdb.backup.retention.days) is -1"),
                negative.stderr());

        CpdbProcess shortAge = CpdbProcess.run(Map.of("CPDB_BACKUP_RETENTION_LEFTOVER_AGE", "1h"), "backups",
                "prune", "--target", TestFolders.create("cpdb-cli-prune-bad").toString());
        assertNotEquals(0, shortAge.exitCode());
        assertTrue(shortAge.stderr().contains("CPDB_BACKUP_RETENTION_LEFTOVER_AGE"), shortAge.stderr());

        CpdbProcess s3 = CpdbProcess.run(Map.of(), "backups", "prune", "--target", "s3://Not_A_Bucket/prefix");
        assertEquals(2, s3.exitCode(), "a malformed target is a usage error: " + s3.stderr());
        assertTrue(s3.stderr().strip().startsWith("cpdb backups prune: --target:"), s3.stderr());
        assertTrue(s3.stderr().contains("Not_A_Bucket"), s3.stderr());
        List<String> lines = s3.stderr().strip().lines().toList();
        assertEquals(2, lines.size(), s3.stderr());
        assertTrue(lines.get(1).startsWith("usage: backups prune"), s3.stderr());

        CpdbProcess unknown = CpdbProcess.run(Map.of(), "backups", "prune", "--force");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.stderr().contains("unknown option --force"), unknown.stderr());
    }

    /** Takes a real backup of a small database with the {@code backup} command; returns its id. */
    private static String realBackup(Path folder) {
        DatabaseUrl source = TestPostgres.createDatabase("cli_prune_source");
        TestPostgres.execute(source, "CREATE TABLE public.notes (id serial PRIMARY KEY, body text)");
        CpdbProcess backup = CpdbProcess.run(Map.of("DATABASE_URL", TestPostgres.libpq(source)), "backup",
                "--target", folder.toString());
        assertEquals(0, backup.exitCode(), backup.stderr());
        Matcher id = Pattern.compile("backup (\\S+) written to").matcher(backup.stdout());
        assertTrue(id.find(), backup.stdout());
        return id.group(1);
    }

    /** Every file below {@code root}, hidden ones included, with its size. */
    private static Map<Path, Long> files(Path root) throws IOException {
        Map<Path, Long> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(path), Files.size(path));
            }
        }
        return files;
    }
}
