package dev.cpdb.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.backup.BackupId;
import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.retention.PruneReport.Action;
import dev.cpdb.backup.retention.PruneReport.Leftover;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.backup.store.ForwardingStore;
import dev.cpdb.backup.store.PendingUpload;
import dev.cpdb.backup.store.StoredKeys;
import dev.cpdb.backup.store.StoredObject;
import dev.cpdb.testing.TestFolders;

/**
 * Prune on a real folder store, with fake committed backups written through the store API and a fixed clock. The
 * expectations are our design: manifest deleted before data object, nothing deleted that prune cannot prove is a
 * backup or the leftover of one, nothing younger than the leftover age touched, a dry run changes nothing.
 */
class BackupRetentionTest {

    private static final Instant NOW = Instant.parse("2026-03-11T12:00:00Z");
    private static final Duration LEFTOVER_AGE = Duration.ofHours(6);

    private FilesystemBackupStore store;

    @BeforeEach
    void freshStore() {
        store = new FilesystemBackupStore(TestFolders.create("cpdb-retention").resolve("backups"));
    }

    @Test
    void backupsNoRuleKeepsAreDeletedManifestFirstThenDataObject() throws IOException {
        List<String> ids = new ArrayList<>();
        for (int days = 0; days < 10; days++) {
            ids.add(FakeBackups.commit(store, NOW.minus(Duration.ofDays(days)).minus(Duration.ofHours(1))));
        }
        RecordingStore recording = new RecordingStore(store);

        PruneReport report = retention(new RetentionPolicy(3, 0, 0, 0)).prune(recording, false);

        assertEquals(ids.subList(0, 3), report.kept());
        assertEquals(ids.subList(3, 10), report.deleted());
        assertEquals(List.of(), report.errors());
        List<String> expectedDeletes = new ArrayList<>();
        for (int i = ids.size() - 1; i >= 3; i--) {
            String id = ids.get(i);
            expectedDeletes.add(id + "/" + BackupManifest.FILE_NAME);
            expectedDeletes.add(id + "/" + FakeBackups.DATA);
        }
        assertEquals(expectedDeletes, recording.deletes, "oldest first, each manifest before its data object");
        assertEquals(keysOf(ids.subList(0, 3)), new TreeSet<>(StoredKeys.of(store, "")));
        for (String id : ids.subList(3, 10)) {
            assertTrue(Files.notExists(store.root().resolve(id)), "a deleted backup leaves no folder behind");
        }
    }

    @Test
    void aDataObjectThatCannotBeDeletedIsNoLongerABackupAndTheNextPruneRemovesIt() throws IOException {
        String newest = FakeBackups.commit(store, NOW.minus(Duration.ofHours(1)));
        String old = FakeBackups.commit(store, NOW.minus(Duration.ofDays(10)));
        RecordingStore failing = new RecordingStore(store, old + "/" + FakeBackups.DATA);

        PruneReport report = retention(new RetentionPolicy(1, 0, 0, 0)).prune(failing, false);

        assertEquals(List.of(old), report.deleted());
        assertEquals(1, report.errors().size());
        assertTrue(report.errors().get(0).contains("a later prune removes it"), report.errors().get(0));
        assertEquals(Set.of(keyOf(newest, BackupManifest.FILE_NAME), keyOf(newest, FakeBackups.DATA),
                keyOf(old, FakeBackups.DATA)), new HashSet<>(StoredKeys.of(store, "")),
                "the manifest went first, so what is left is not a committed backup");

        PruneReport next = retention(new RetentionPolicy(1, 0, 0, 0)).prune(store, false);

        assertEquals(List.of(newest), next.kept());
        assertEquals(List.of(new Leftover(keyOf(old, FakeBackups.DATA), BackupRetention.DATA_WITHOUT_MANIFEST,
                BackupId.startedAt(old).orElseThrow(), Action.DELETED)), next.leftovers());
        assertEquals(keysOf(List.of(newest)), new TreeSet<>(StoredKeys.of(store, "")));
    }

    @Test
    void aManifestThatCannotBeDeletedKeepsTheWholeBackup() throws IOException {
        FakeBackups.commit(store, NOW.minus(Duration.ofHours(1)));
        String old = FakeBackups.commit(store, NOW.minus(Duration.ofDays(10)));

        PruneReport report = retention(new RetentionPolicy(1, 0, 0, 0))
                .prune(new RecordingStore(store, old + "/" + BackupManifest.FILE_NAME), false);

        assertEquals(Action.FAILED, report.backups().get(1).action());
        assertTrue(report.errors().get(0).startsWith("backup " + old + " was not deleted"), report.errors().get(0));
        assertTrue(store.exists(keyOf(old, BackupManifest.FILE_NAME)));
        assertTrue(store.exists(keyOf(old, FakeBackups.DATA)));
    }

    @Test
    void objectsPruneCannotProveAreBackupsAreLeftAlone() throws IOException {
        String newest = FakeBackups.commit(store, NOW.minus(Duration.ofHours(1)));
        String old = FakeBackups.commit(store, Instant.parse("2020-01-05T00:01:00Z"));
        store.write(old + "/extra.txt", bytes("an operator's note inside a backup folder"));
        store.write("README.txt", bytes("not a backup"));
        store.write("archive/" + BackupManifest.FILE_NAME, manifestJson("20200101T000000Z-000000"));
        store.write("20200101T000000Z-aaaaaa/" + BackupManifest.FILE_NAME, bytes("{not json"));
        store.write("20200101T000000Z-aaaaaa/" + FakeBackups.DATA, bytes("data"));
        store.write("20200102T000000Z-bbbbbb/" + BackupManifest.FILE_NAME, manifestJson("20200102T000000Z-cccccc"));
        store.write("20200103T000000Z-dddddd/" + BackupManifest.FILE_NAME, bytes(new String(
                manifestJson("20200103T000000Z-dddddd"), StandardCharsets.UTF_8)
                .replaceFirst("\"formatVersion\":\\d+", "\"formatVersion\":99")));
        store.write("20200104T000000Z-eeeeee/notes.txt", bytes("no manifest, not a data object"));
        store.write("20201399T000000Z-ffffff/" + FakeBackups.DATA, bytes("an id shape with no real time"));
        Set<String> before = new TreeSet<>(StoredKeys.of(store, ""));

        PruneReport report = retention(new RetentionPolicy(0, 0, 0, 0)).prune(store, false);

        assertEquals(List.of(newest), report.kept());
        assertEquals(List.of(old), report.deleted());
        Set<String> expected = new TreeSet<>(before);
        expected.remove(keyOf(old, BackupManifest.FILE_NAME));
        expected.remove(keyOf(old, FakeBackups.DATA));
        assertEquals(expected, new TreeSet<>(StoredKeys.of(store, "")));
        assertEquals(2, report.foreignObjects(), "README.txt and archive/manifest.json");
        Map<String, String> leftAlone = report.leftAlone().stream()
                .collect(Collectors.toMap(PruneReport.LeftAlone::key, PruneReport.LeftAlone::reason));
        assertEquals(Set.of(old + "/extra.txt", "20200101T000000Z-aaaaaa/manifest.json",
                "20200102T000000Z-bbbbbb/manifest.json", "20200103T000000Z-dddddd/manifest.json",
                "20200104T000000Z-eeeeee/notes.txt", "20201399T000000Z-ffffff/data.sql"), leftAlone.keySet());
        assertTrue(leftAlone.get("20200101T000000Z-aaaaaa/manifest.json").startsWith("the manifest cannot be read"));
        assertTrue(leftAlone.get("20200102T000000Z-bbbbbb/manifest.json").contains("20200102T000000Z-cccccc"));
        assertTrue(leftAlone.get("20200103T000000Z-dddddd/manifest.json").contains("format version 99"));
        assertEquals(List.of(), report.leftovers(), "a data object next to an unreadable manifest is no leftover");
    }

    @Test
    void leftoversOlderThanTheLeftoverAgeAreRemovedAndYoungerOnesKept() throws IOException {
        String newest = FakeBackups.commit(store, NOW.minus(Duration.ofHours(1)));
        String exactlyOld = dataWithoutManifest(NOW.minus(LEFTOVER_AGE));
        String secondTooYoung = dataWithoutManifest(NOW.minus(LEFTOVER_AGE).plusSeconds(1));
        String daysOld = dataWithoutManifest(NOW.minus(Duration.ofDays(3)));
        String crashed = BackupId.next(NOW.minus(Duration.ofDays(2)));
        String abandoned = temporaryFile(crashed + "/data.sql.zst", NOW.minus(Duration.ofDays(2)));
        String stillWritten = temporaryFile(crashed + "/manifest.json", NOW.minusSeconds(60));
        String youngBackup = temporaryFile(BackupId.next(NOW.minus(Duration.ofHours(1))) + "/data.sql.zst",
                NOW.minus(Duration.ofDays(2)));
        String notInABackupFolder = temporaryFile("scratch/file", NOW.minus(Duration.ofDays(30)));

        PruneReport report = retention(new RetentionPolicy(0, 0, 0, 0)).prune(store, false);

        Map<String, Action> leftovers = new TreeMap<>();
        report.leftovers().forEach(leftover -> leftovers.put(leftover.key(), leftover.action()));
        assertEquals(Map.of(exactlyOld, Action.DELETED, secondTooYoung, Action.KEPT, daysOld, Action.DELETED,
                abandoned, Action.DELETED, stillWritten, Action.KEPT, youngBackup, Action.KEPT), leftovers);
        assertEquals(Set.of(stillWritten, youngBackup, notInABackupFolder), pendingKeys());
        assertTrue(report.leftAlone().contains(new PruneReport.LeftAlone(notInABackupFolder,
                "an unfinished upload outside any backup folder")), report.leftAlone().toString());
        assertEquals(new TreeSet<>(List.of(secondTooYoung, keyOf(newest, BackupManifest.FILE_NAME),
                keyOf(newest, FakeBackups.DATA))), new TreeSet<>(StoredKeys.of(store, "")));
    }

    @Test
    void aDryRunDeletesNothingAndReportsWhatARealRunDoes() throws IOException {
        for (int days = 0; days < 20; days += 2) {
            FakeBackups.commit(store, NOW.minus(Duration.ofDays(days)).minusSeconds(600));
        }
        dataWithoutManifest(NOW.minus(Duration.ofDays(1)));
        temporaryFile(BackupId.next(NOW.minus(Duration.ofDays(4))) + "/data.sql.zst", NOW.minus(Duration.ofDays(4)));
        Map<Path, String> before = tree(store.root());

        PruneReport dry = retention(new RetentionPolicy(5, 0, 0, 1)).prune(store, true);

        assertEquals(before, tree(store.root()), "a dry run changes nothing on disk");
        assertTrue(dry.dryRun());
        assertEquals(7, dry.deleted().size());
        assertTrue(
                dry.backups().stream().allMatch(b -> b.action() == Action.KEPT || b.action() == Action.WOULD_DELETE));
        assertEquals(2, dry.leftoversRemoved().size());

        PruneReport real = retention(new RetentionPolicy(5, 0, 0, 1)).prune(store, false);

        assertEquals(dry.kept(), real.kept());
        assertEquals(dry.deleted(), real.deleted());
        assertEquals(dry.leftoversRemoved(), real.leftoversRemoved());
        assertEquals(Set.of(), pendingKeys());
    }

    @Test
    void moreThanAThousandBackupsAreAllListedAndJudged() throws IOException {
        List<String> ids = new ArrayList<>();
        for (int hours = 0; hours < 1_050; hours++) {
            ids.add(FakeBackups.commit(store, NOW.minus(Duration.ofHours(hours))));
        }

        PruneReport report = retention(new RetentionPolicy(7, 0, 0, 0)).prune(store, false);

        assertEquals(1_050, report.backups().size(), "2,100 keys, every one listed");
        assertEquals(ids.subList(0, 7 * 24 + 1), report.kept(), "at most 7 days old, both ends included");
        assertEquals(1_050 - 169, report.deleted().size());
        assertEquals(keysOf(ids.subList(0, 169)), new TreeSet<>(StoredKeys.of(store, "")));
    }

    @Test
    void pruningTwiceDeletesNothingMore() throws IOException {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 60; i++) {
            FakeBackups.commit(store, NOW.minusSeconds(random.nextInt(120 * 86_400)));
        }
        dataWithoutManifest(NOW.minus(Duration.ofDays(9)));

        PruneReport first = retention(RetentionPolicy.DEFAULT).prune(store, false);
        PruneReport second = retention(RetentionPolicy.DEFAULT).prune(store, false);

        assertTrue(first.deleted().size() > 0 && first.leftoversRemoved().size() == 1, first.toString());
        assertEquals(first.kept(), second.kept());
        assertEquals(List.of(), second.deleted());
        assertEquals(List.of(), second.leftovers());
    }

    @Test
    void afterBackupPrunesOnlyWhenEnabledAndNeverThrows() throws IOException {
        FakeBackups.commit(store, NOW.minus(Duration.ofHours(1)));
        String old = FakeBackups.commit(store, NOW.minus(Duration.ofDays(100)));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

        assertEquals(Optional.empty(), new BackupRetention(new RetentionPolicy(7, 4, 1, 1), LEFTOVER_AGE,
                false, clock, FakeBackups.JSON).afterBackup(store));
        assertTrue(store.exists(keyOf(old, BackupManifest.FILE_NAME)), "disabled retention deletes nothing");

        BackupRetention enabled = new BackupRetention(new RetentionPolicy(7, 4, 1, 1), LEFTOVER_AGE, true,
                clock, FakeBackups.JSON);
        assertEquals(List.of(old), enabled.afterBackup(store).orElseThrow().deleted());
        assertEquals(Optional.empty(), enabled.afterBackup(new RecordingStore(store) {
            @Override
            public List<StoredObject> list(String prefix) throws IOException {
                throw new IOException("bucket unreachable");
            }
        }));
    }

    @Test
    void negativeSettingsAndALeftoverAgeBelowTheDeadlineAreRefusedNamingTheVariable() {
        InvalidConfigurationException days = assertThrows(InvalidConfigurationException.class,
                () -> BackupRetention.policy(new Settings(-1, 4, 1, 3, Optional.empty())));
        assertTrue(days.getMessage().startsWith("CPDB_BACKUP_RETENTION_DAYS (cpdb.backup.retention.days) is -1"),
                days.getMessage());
        InvalidConfigurationException minCount = assertThrows(InvalidConfigurationException.class,
                () -> BackupRetention.policy(new Settings(7, 4, 1, -2, Optional.empty())));
        assertTrue(minCount.getMessage().startsWith("CPDB_BACKUP_RETENTION_MIN_COUNT"), minCount.getMessage());
        assertEquals(new RetentionPolicy(0, 0, 0, 0), BackupRetention.policy(new Settings(0, 0, 0, 0,
                Optional.empty())));

        Duration deadline = Duration.ofHours(6);
        assertEquals(deadline, BackupRetention.leftoverAge(new Settings(7, 4, 1, 3, Optional.empty()), deadline));
        assertEquals(Duration.ofDays(1),
                BackupRetention.leftoverAge(new Settings(7, 4, 1, 3, Optional.of(Duration.ofDays(1))), deadline));
        InvalidConfigurationException shorter = assertThrows(InvalidConfigurationException.class,
                () -> BackupRetention.leftoverAge(new Settings(7, 4, 1, 3, Optional.of(Duration.ofHours(1))),
                        deadline));
        assertTrue(shorter.getMessage().startsWith("CPDB_BACKUP_RETENTION_LEFTOVER_AGE"), shorter.getMessage());
    }

    private static BackupRetention retention(RetentionPolicy policy) {
        return new BackupRetention(policy, LEFTOVER_AGE, true, Clock.fixed(NOW, ZoneOffset.UTC), FakeBackups.JSON);
    }

    /** A data object committed by a backup that started at {@code started} and never wrote its manifest. */
    private String dataWithoutManifest(Instant started) throws IOException {
        String key = BackupId.next(started) + "/data.sql.zst";
        store.write(key, bytes("a backup that died before its manifest"));
        return key;
    }

    /** The temporary file of an upload to {@code key} whose process died, last written at {@code written}. */
    private String temporaryFile(String key, Instant written) throws IOException {
        Set<Path> before = hiddenFiles();
        BackupStore.Upload upload = store.create(key);
        upload.stream().write(bytes("half an object"));
        // Closing the stream without commit or abort is what a crash leaves behind.
        upload.stream().close();
        Set<Path> after = hiddenFiles();
        after.removeAll(before);
        Files.setLastModifiedTime(after.iterator().next(), FileTime.from(written));
        return key;
    }

    /** The files the folder store writes uploads to (hidden, next to their final names). */
    private Set<Path> hiddenFiles() throws IOException {
        try (Stream<Path> paths = Files.walk(store.root())) {
            return paths.filter(path -> path.getFileName().toString().startsWith(".") && Files.isRegularFile(path))
                    .collect(Collectors.toCollection(HashSet::new));
        }
    }

    private Set<String> pendingKeys() throws IOException {
        return store.pendingUploads("").stream().map(PendingUpload::key).collect(Collectors.toSet());
    }

    private static Set<String> keysOf(List<String> ids) {
        Set<String> keys = new TreeSet<>();
        for (String id : ids) {
            keys.add(keyOf(id, BackupManifest.FILE_NAME));
            keys.add(keyOf(id, FakeBackups.DATA));
        }
        return keys;
    }

    private static String keyOf(String id, String name) {
        return id + "/" + name;
    }

    private static byte[] manifestJson(String id) throws IOException {
        byte[] data = bytes("data");
        return FakeBackups.JSON.writeValueAsBytes(FakeBackups.manifest(id, Instant.parse("2020-01-01T00:02:00Z"),
                data));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Every file below {@code root}, hidden ones included, with its content. */
    private static Map<Path, String> tree(Path root) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(path), Files.readString(path) + "@" + Files.getLastModifiedTime(path));
            }
        }
        return files;
    }

    /** Retention settings as a test gives them. */
    private record Settings(int days, int weeks, int months, int minCount, Optional<Duration> leftoverAge)
            implements
                RetentionConfig {

        @Override
        public boolean enabled() {
            return true;
        }
    }

    /** A store that records deletions and fails them for chosen keys, in front of a real one. */
    private static class RecordingStore extends ForwardingStore {

        final Set<String> failing;
        final List<String> deletes = new ArrayList<>();

        RecordingStore(BackupStore delegate, String... failing) {
            super(delegate);
            this.failing = Set.of(failing);
        }

        @Override
        public void delete(String key) throws IOException {
            if (failing.contains(key)) {
                throw new IOException("permission denied: " + key);
            }
            deletes.add(key);
            delegate.delete(key);
        }
    }
}
